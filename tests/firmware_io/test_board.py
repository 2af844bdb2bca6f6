"""BoardSpec: shipped boards and refusal of bad description files."""

import networkx as nx
import numpy as np
import pytest

from firmware_io import BoardSpec, BoardSpecError
from firmware_io.constants import SPEEDUP

HEADER = """
format = 1
name = "test"
[topology]
kind = "{kind}"
shape = {shape}
link_events_per_s = 1.0e8
link_delay_cycles = 3
link_buffer_events = 8
[chip_defaults]
input_events_per_s = 2.0e8
input_buffer_events = 16
router_entries = 100
[host]
kind = "in-process"
bytes_per_s = 1e9
input_memory_events = 1000
output_memory_events = 1000
"""


def chips_toml(positions, serial0=100):
    return "".join(
        f"\n[[chips]]\nid = {i}\nserial = {serial0 + i}\nposition = [{r}, {c}]\n" for i, (r, c) in enumerate(positions)
    )


def write(tmp_path, text, name="board.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def grid(rows, cols):
    return [(r, c) for r in range(rows) for c in range(cols)]


def test_shipped_boards_are_listed():
    assert BoardSpec.shipped() == ["board_4x4", "single_chip"]


def test_single_chip():
    b = BoardSpec.load("single_chip")
    assert b.n_chips == 1 and b.kind == "single" and b.topology.number_of_edges() == 0
    assert b.chips[0].input_events_per_s == 3.0e8
    assert b.chips[0].input_events_per_s_bio == 3.0e8 / SPEEDUP == 30_000
    assert b.chips[0].router_entries == 1024
    assert b.host.kind == "usb" and b.host.input_memory_events == 200_000_000
    ends, rate, delay, depth = b.links()
    assert ends.shape == (0, 2) and rate.size == delay.size == depth.size == 0


def test_board_4x4_torus():
    b = BoardSpec.load("board_4x4")
    g = b.topology
    assert b.n_chips == 16 and isinstance(g, nx.DiGraph)
    # torus: every chip has 4 neighbours; 16 * 4 / 2 = 32 links, 64 directed edges
    assert all(g.out_degree(n) == 4 and g.in_degree(n) == 4 for n in g)
    assert g.number_of_edges() == 64
    # chip 0 at (0, 0) neighbours (0, 1), (1, 0), (0, 3), (3, 0) -> ids 1, 4, 3, 12
    assert sorted(g.successors(0)) == [1, 3, 4, 12]
    assert nx.diameter(g) == 4
    assert len(set(b.serials.tolist())) == 16
    ends, rate, delay, depth = b.links()
    assert ends.shape == (64, 2) and (np.diff(ends[:, 0]) >= 0).all()
    assert (rate == 2.0e8).all() and (delay == 2 * 32).all() and (depth == 256).all()
    assert g.nodes[5]["chip"].position == (1, 1)
    assert "board_4x4: 16 chip(s), torus 4x4" in b.describe()


def test_load_by_path_mesh_and_per_chip_override(tmp_path):
    text = HEADER.format(kind="mesh", shape="[2, 3]") + chips_toml(grid(2, 3)) + "router_entries = 7\n"
    b = BoardSpec.load(write(tmp_path, text))
    # 2 x 3 mesh: 2 * 2 horizontal + 3 vertical = 7 links
    assert b.topology.number_of_edges() == 14
    assert b.chips[5].router_entries == 7 and b.chips[0].router_entries == 100
    assert b.source.endswith("board.toml")
    assert b.links()[2][0] == 3 * 32


def test_explicit_links(tmp_path):
    text = (
        HEADER.format(kind="explicit", shape="[1, 3]")
        + chips_toml(grid(1, 3))
        + """
[[links]]
chips = [0, 1]
[[links]]
chips = [2, 1]
delay_cycles = 5
"""
    )
    b = BoardSpec.load(write(tmp_path, text))
    assert sorted(b.topology.edges()) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    assert b.topology.edges[1, 2]["delay_cycles"] == 5 and b.topology.edges[0, 1]["delay_cycles"] == 3


@pytest.mark.parametrize(
    "text, fragment",
    [
        (
            HEADER.format(kind="ring", shape="[1, 2]") + chips_toml(grid(1, 2)),
            "topology.kind: value 'ring' is invalid; valid: 'single' | 'mesh' | 'torus' | 'explicit'",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace("format = 1", "format = 2") + chips_toml(grid(1, 2)),
            "format: value 2 is invalid; valid: 1",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace('name = "test"\n', "") + chips_toml(grid(1, 2)),
            "name: missing; expected a non-empty string",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace("link_delay_cycles = 3", "link_delay_cycles = 1.5")
            + chips_toml(grid(1, 2)),
            "topology.link_delay_cycles: value 1.5 is invalid; valid: an integer >= 0",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace("link_buffer_events = 8", "link_bufer_events = 8")
            + chips_toml(grid(1, 2)),
            "topology.link_buffer_events: missing; expected an integer >= 1 "
            "(the table has 'link_bufer_events': a misspelling?)",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace('name = "test"', 'name = "test"\ncolour = "red"')
            + chips_toml(grid(1, 2)),
            "colour: unknown key; valid keys here: chip_defaults, chips, description, format",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]") + chips_toml([(0, 0), (0, 2)]),
            "chips[1].position: value [0, 2] is invalid; valid: [row, column] inside the 1 x 2 grid",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]") + chips_toml([(0, 0), (0, 0)]),
            "chips[1].position: value (0, 0) is already used by chips[0]",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]") + chips_toml(grid(1, 2)).replace("serial = 101", "serial = 100"),
            "chips[1].serial: value 100 is already used by chips[0]",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]")
            + chips_toml(grid(1, 2)).replace("serial = 101", "serial = 4294967296"),
            "chips[1].serial: value 4294967296 is invalid; valid: an integer 0..4294967295",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]") + chips_toml(grid(1, 2)).replace("id = 1", "id = 5"),
            "chips[1].id: value 5 is invalid; valid: 1 (chips are listed in id order 0..n-1)",
        ),
        (
            HEADER.format(kind="single", shape="[1, 2]") + chips_toml(grid(1, 2)),
            "topology.kind: 'single' needs exactly 1 chip; the file lists 2",
        ),
        (
            HEADER.format(kind="explicit", shape="[1, 3]") + chips_toml(grid(1, 3)) + "[[links]]\nchips = [0, 1]\n",
            "links: the chips are not all connected; connected groups: [[0, 1], [2]]",
        ),
        (
            HEADER.format(kind="explicit", shape="[1, 2]") + chips_toml(grid(1, 2)) + "[[links]]\nchips = [0, 2]\n",
            "links[0].chips: value [0, 2] is invalid; valid: [a, b], two different chip ids 0..1",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]") + chips_toml(grid(1, 2)) + "[[links]]\nchips = [0, 1]\n",
            "links: only topology.kind = 'explicit' lists links; this board is 'mesh'",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace("bytes_per_s = 1e9", "bytes_per_s = -1")
            + chips_toml(grid(1, 2)),
            "host.bytes_per_s: value -1 is invalid; valid: a number > 0 (bytes/s)",
        ),
        (
            HEADER.format(kind="mesh", shape="[1, 2]").replace("link_events_per_s = 1.0e8", "link_events_per_s = true")
            + chips_toml(grid(1, 2)),
            "topology.link_events_per_s: value True is invalid",
        ),
        (HEADER.format(kind="mesh", shape="[1, 2]"), "chips: missing; expected an array of 1..65536 chip tables"),
    ],
)
def test_bad_files_name_file_key_value_and_what_is_valid(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(BoardSpecError) as err:
        BoardSpec.load(path)
    message = str(err.value)
    assert message.startswith(str(path) + ": ")
    assert fragment in message


def test_not_toml(tmp_path):
    path = write(tmp_path, "format = = 1\n")
    with pytest.raises(BoardSpecError, match=r"board.toml: not valid TOML: .*line 1"):
        BoardSpec.load(path)


def test_unknown_name_or_missing_file():
    with pytest.raises(
        BoardSpecError,
        match=r"board 'board_9x9' is neither a shipped board \(board_4x4, single_chip\) nor an existing file",
    ):
        BoardSpec.load("board_9x9")


def test_error_is_also_a_value_error(tmp_path):
    with pytest.raises(ValueError):
        BoardSpec.load(write(tmp_path, "format = 1\n"))


def test_paths_follow_the_documented_rule():
    b = BoardSpec.load("board_4x4")
    ends = b.links()[0]
    hops = lambda s, d: [tuple(ends[i].tolist()) for i in b.path(s, d)]  # noqa: E731
    assert b.path(3, 3) == ()
    # 0 -> 5 (one step right, one down): two 2-hop paths (0-1-5, 0-4-5), equal delay; the
    # smaller link ids win: links sorted by (from, to), so (0, 1) precedes (0, 4)
    assert hops(0, 5) == [(0, 1), (1, 5)]
    # 0 -> 3 is one hop over the wrap-around link, not three to the right
    assert hops(0, 3) == [(0, 3)]
    assert max(len(b.path(s, d)) for s in range(16) for d in range(16)) == 4
    with pytest.raises(BoardSpecError, match="dst chip 16 does not exist; valid: 0..15"):
        b.path(0, 16)


def test_paths_prefer_low_delay_over_few_hops(tmp_path):
    text = (
        HEADER.format(kind="explicit", shape="[1, 3]")
        + chips_toml(grid(1, 3))
        + """
[[links]]
chips = [0, 2]
delay_cycles = 10
[[links]]
chips = [0, 1]
[[links]]
chips = [1, 2]
"""
    )
    b = BoardSpec.load(write(tmp_path, text))
    ends = b.links()[0]
    assert [tuple(ends[i].tolist()) for i in b.path(0, 2)] == [(0, 1), (1, 2)]  # 3 + 3 < 10 cycles


def test_router_entries_used():
    from firmware_io import ROUTE_DTYPE

    b = BoardSpec.load("board_4x4")
    routes = np.array([(0, 1, 5, 0), (0, 1, 10, 0), (0, 2, 0, 3)], dtype=ROUTE_DTYPE)
    used = b.router_entries_used(routes)
    # neuron (0, 1): paths 0-1-5 and 0-1-2-6-10 -> one entry in each of chips 0, 1, 2, 5, 6, 10;
    # neuron (0, 2) delivered on its own chip -> a second entry in chip 0
    expected = np.zeros(16, int)
    expected[[0, 1, 2, 5, 6, 10]] = 1
    expected[0] += 1
    assert used.tolist() == expected.tolist()
    assert b.router_entries_used(np.zeros(0, ROUTE_DTYPE)).tolist() == [0] * 16


def test_check_configs_matches_serials():
    from firmware_io import ChipConfig

    b = BoardSpec.load("board_4x4")
    configs = [ChipConfig.empty(int(s)) for s in b.serials]
    b.check_configs(configs)
    with pytest.raises(BoardSpecError, match="board_4x4: 15 chip configurations for 16 chips"):
        b.check_configs(configs[:-1])
    configs[3] = ChipConfig.empty(7)
    expected = "configuration 3 has serial 0x00000007; chip 3 of the board has serial 0x51C40003"
    with pytest.raises(BoardSpecError, match=expected):
        b.check_configs(configs)
