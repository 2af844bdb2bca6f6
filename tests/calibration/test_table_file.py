"""The table file format: round trip, refusal of damaged files, atomic writes."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from calibration import FORMAT, VERSION, CalibrationFileError, CalibrationTable, load_board_tables, save_table
from calibration.store import NominalCalibrationWarning, calibration_dir, load_table, table_path

from .conftest import SERIAL, make_table


def test_round_trip_is_exact(tmp_path, table):
    path = table.write(tmp_path / "t.json")
    back = CalibrationTable.read(path, expect_serial=SERIAL)
    assert back.serial == SERIAL and back.board == "test"
    for name, tr in table.transforms.items():
        assert back.transforms[name].kind == tr.kind
        assert np.array_equal(back.transforms[name].coefficients, tr.coefficients)
        assert back.transforms[name].domain == tr.domain
    data = json.loads(path.read_text())
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert data["checksum"].startswith("sha256:")


def _rewrite(path, edit):
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def test_a_changed_number_fails_the_checksum(tmp_path, table):
    path = table.write(tmp_path / "t.json")
    _rewrite(path, lambda d: d["parameters"]["tau_m"]["coefficients"][0].__setitem__(1, 1999.0))
    with pytest.raises(CalibrationFileError, match="checksum mismatch"):
        CalibrationTable.read(path)


def test_a_flipped_byte_is_refused(tmp_path, table):
    path = table.write(tmp_path / "t.json")
    raw = bytearray(path.read_bytes())
    i = raw.index(b"coefficients") + 20
    raw[i] = ord("7") if raw[i] != ord("7") else ord("3")
    path.write_bytes(bytes(raw))
    with pytest.raises(CalibrationFileError):
        CalibrationTable.read(path)


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.999])
def test_truncated_file_is_refused(tmp_path, table, keep):
    path = table.write(tmp_path / "t.json")
    raw = path.read_bytes()
    path.write_bytes(raw[:int(len(raw) * keep)])
    with pytest.raises(CalibrationFileError, match="truncated or corrupted"):
        CalibrationTable.read(path)


def test_other_version_is_refused_with_the_versions(tmp_path, table):
    path = table.write(tmp_path / "t.json")
    _rewrite(path, lambda d: d.__setitem__("version", 2))
    with pytest.raises(CalibrationFileError, match="version 2 is not supported; this pynn-hw reads version 1"):
        CalibrationTable.read(path)


def test_other_chip_is_refused_naming_both_serials(tmp_path):
    save_table(make_table(serial=0x51C40003), tmp_path)
    os.replace(table_path(0x51C40003, tmp_path), table_path(SERIAL, tmp_path))
    with pytest.raises(CalibrationFileError, match="chip 0x51C40003, not of chip 0x51C00001"):
        load_table(SERIAL, tmp_path)


def test_missing_parameter_is_refused_even_with_a_valid_checksum(tmp_path, table):
    from calibration.table import checksum
    data = table.to_json_dict()
    del data["parameters"]["w_inh"]
    body = {k: v for k, v in data.items() if k != "checksum"}
    data["checksum"] = checksum(body)
    (tmp_path / "t.json").write_text(json.dumps(data))
    with pytest.raises(CalibrationFileError, match="not the calibrated set"):
        CalibrationTable.read(tmp_path / "t.json")


def test_wrong_number_of_circuits_is_refused(tmp_path, table):
    from calibration.table import checksum
    data = table.to_json_dict()
    data["parameters"]["tau_m"]["coefficients"] = data["parameters"]["tau_m"]["coefficients"][:100]
    data["checksum"] = checksum({k: v for k, v in data.items() if k != "checksum"})
    (tmp_path / "t.json").write_text(json.dumps(data))
    with pytest.raises(CalibrationFileError, match="tau_m has 100 circuits; a chip has 384"):
        CalibrationTable.read(tmp_path / "t.json")


def test_wrong_unit_is_refused(tmp_path, table):
    from calibration.table import checksum
    data = table.to_json_dict()
    data["parameters"]["tau_m"]["unit"] = "s"
    data["checksum"] = checksum({k: v for k, v in data.items() if k != "checksum"})
    (tmp_path / "t.json").write_text(json.dumps(data))
    with pytest.raises(CalibrationFileError, match="tau_m must have unit 'ms' and circuits 'neuron'"):
        CalibrationTable.read(tmp_path / "t.json")


def test_nan_in_file_is_refused(tmp_path, table):
    path = table.write(tmp_path / "t.json")
    path.write_text(path.read_text().replace('"domain": [\n    2.5', '"domain": [\n    NaN', 1))
    with pytest.raises(CalibrationFileError):
        CalibrationTable.read(path)


def test_crash_during_write_keeps_the_old_table(tmp_path, monkeypatch):
    old = make_table(gain=1.0)
    path = save_table(old, tmp_path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_table(make_table(gain=1.2), tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]   # no temporary file left
    monkeypatch.undo()
    assert load_table(SERIAL, tmp_path).transforms["tau_m"].coefficients[0, 1] == pytest.approx(2000.0)


def test_crash_while_writing_the_text_keeps_the_old_table(tmp_path, monkeypatch):
    path = save_table(make_table(), tmp_path)
    before = path.read_bytes()
    real_dumps = json.dumps

    def interrupted(obj, **kw):
        raise KeyboardInterrupt  # e.g. the user interrupts while the text is produced

    import calibration.table as table_mod
    monkeypatch.setattr(table_mod.json, "dumps", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_table(make_table(gain=1.3), tmp_path)
    monkeypatch.setattr(table_mod.json, "dumps", real_dumps)
    assert path.read_bytes() == before


def test_calibration_dir_order(tmp_path, monkeypatch):
    monkeypatch.setenv("PYNN_HW_CALIBRATION_DIR", str(tmp_path / "env"))
    assert calibration_dir() == tmp_path / "env"
    assert calibration_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("PYNN_HW_CALIBRATION_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert calibration_dir() == tmp_path / "cache" / "pynn_hw" / "calibration"
    assert table_path(0x51C40000) == tmp_path / "cache" / "pynn_hw" / "calibration" / "51C40000.json"


def test_board_tables_warn_about_missing_chips_and_refuse_broken_ones(tmp_path):
    save_table(make_table(), tmp_path)
    with pytest.warns(NominalCalibrationWarning, match="1 of 2 chips .*0x51C40000"):
        tables = load_board_tables([SERIAL, 0x51C40000], tmp_path)
    assert tables[0].serial == SERIAL and tables[1] is None
    table_path(0x51C40000, tmp_path).write_text("{")
    with pytest.raises(CalibrationFileError):
        load_board_tables([SERIAL, 0x51C40000], tmp_path)
