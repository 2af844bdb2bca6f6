"""docs/hardware.md states the same layout and mismatch widths as the code."""

import re
from pathlib import Path

import pytest

from firmware_io.chip_config import ARRAY_FIELDS
from firmware_io.image import RECORD_BYTES, SECTION_OFFSETS, SECTIONS
from firmware_io.mismatch import MISMATCH_SPECS

DOC = Path(__file__).resolve().parents[2] / "docs" / "hardware.md"


@pytest.fixture(scope="module")
def doc():
    return DOC.read_text(encoding="utf-8")


def test_image_section_table(doc):
    rows = re.findall(r"^\| (\d+) \| (\d+) \| `(\w+)` \| (scalar|\([\d, ]+\)) \| (\d+) \|$", doc, re.M)
    assert [r[2] for r in rows] == [s.name for s in SECTIONS]
    for offset, _size, name, shape, width in rows:
        section = next(s for s in SECTIONS if s.name == name)
        assert int(offset) == SECTION_OFFSETS[name]
        assert int(width) == section.width
        expected_shape = "scalar" if name not in ARRAY_FIELDS else str(ARRAY_FIELDS[name].shape)
        assert shape == expected_shape
    # the text states the unpadded and padded record sizes
    last = rows[-1]
    assert f"{int(last[0]) + int(last[1]):,} ->\n{RECORD_BYTES:,} bytes" in doc


def test_mismatch_table(doc):
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| [^|]+ \| (gain|offset) \| ([\d.]+) (%|mV) \|", doc, re.M)
    assert len(rows) == len(MISMATCH_SPECS)
    for pid, name, kind, sigma, unit in rows:
        spec = MISMATCH_SPECS[name]
        assert (int(pid), kind) == (spec.pid, spec.kind)
        assert float(sigma) / (100 if unit == "%" else 1) == pytest.approx(spec.sigma)
