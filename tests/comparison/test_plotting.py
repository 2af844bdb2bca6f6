"""pynn_hw.utility.plotting: figures are drawn and saved, errors name what is wrong."""

from __future__ import annotations

import neo
import numpy as np
import pytest
import quantities as pq

from pynn_hw.utility import plotting
from pynn_hw.utility.plotting import Figure, Histogram, Panel, comparison_plot, connection_plot

PNG = b"\x89PNG\r\n\x1a\n"


def segment(offset: float = 0.0) -> neo.Segment:
    seg = neo.Segment()
    t = np.arange(0, 100.0, 0.1)
    values = np.stack([np.sin(t / 10) + offset, np.cos(t / 10) + offset], axis=1)
    seg.analogsignals.append(neo.AnalogSignal(values, units=pq.mV, sampling_period=0.1 * pq.ms, name="v",
                                              array_annotations={"channel_index": np.array([3, 1])}))
    seg.spiketrains = [neo.SpikeTrain([5.0, 20.0 + offset], units=pq.ms, t_stop=100 * pq.ms, source_index=i)
                       for i in range(4)]
    return seg


def test_matplotlib_uses_a_non_interactive_backend_without_display():
    import os

    import matplotlib
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("MPLBACKEND"):
        pytest.skip("a display or a chosen backend: matplotlib's own choice applies")
    assert matplotlib.get_backend().lower() == "agg"


def test_figure_of_every_kind_of_panel_saves_a_png(tmp_path):
    seg = segment()
    fig = Figure(Panel(seg.analogsignals[0], ylabel="auto", yticks=True),
                 Panel(seg.spiketrains, data_labels=["raster"]),
                 Panel(Histogram([1, 2, 2, 3]), Histogram([2, 3, 3], bins=[0, 2, 4]), data_labels=["a", "b"]),
                 Panel(np.arange(12.0).reshape(3, 4)),
                 title="all kinds", annotations="line 1\nline 2")
    out = tmp_path / "sub" / "fig.png"
    fig.save(out)
    fig.close()
    assert out.read_bytes()[:8] == PNG
    signal_axes, raster_axes, hist_axes, _image_axes, *_colorbar = fig.fig.axes
    assert signal_axes.get_ylabel() == "v (mV)"
    # lines sorted by channel: cell 1 first, then cell 3
    assert [line.get_label() for line in signal_axes.lines] == ["cell 1", "cell 3"]
    assert signal_axes.get_xlim() == pytest.approx((0.0, 99.9))     # no margin: aligned with rasters
    assert signal_axes.get_legend() is not None                     # few cells: legend by default
    ys = raster_axes.lines[0].get_ydata()
    assert sorted(set(ys)) == [0, 1, 2, 3] and len(ys) == 8
    assert [t.get_text() for t in hist_axes.get_legend().get_texts()] == ["a", "b"]


def test_figure_leaves_global_rc_settings_alone():
    import matplotlib
    before = matplotlib.rcParams["font.size"]
    Figure(Panel(segment().spiketrains), settings={"font.size": 21}).close()
    assert matplotlib.rcParams["font.size"] == before


def test_panel_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="Panel cannot draw a 1-D array; valid: AnalogSignal"):
        Figure(Panel(np.zeros(3)))
    with pytest.raises(ValueError, match="data_labels has 1 entries for 2 data items"):
        Panel(np.zeros((2, 2)), np.zeros((2, 2)), data_labels=["x"])


def test_comparison_plot_has_a_panel_per_variable_and_cell_plus_rasters():
    fig = comparison_plot([segment(), segment(0.5)], ["nest", "brian2"], title="t")
    axes = fig.fig.axes
    assert len(axes) == 2 + 2                      # v of cells 1 and 3; one raster per segment
    assert [line.get_label() for line in axes[0].lines] == ["nest", "brian2"]
    assert axes[0].get_ylabel() == "v (mV), cell 1"
    fig.close()
    with pytest.raises(ValueError, match="2 segments but 1 labels"):
        comparison_plot([segment(), segment()], ["a"])


def test_isi_histogram_and_variable_names():
    seg = segment()
    counts, _ = plotting.isi_histogram(seg).evaluate()
    assert counts.sum() == 4                       # one interval per train
    assert plotting.variable_names(seg) == {"v"}


def test_connection_plot_marks_connections_zero_weights_and_gaps():
    class FakeProjection:
        def get(self, name, format, gather):
            assert (name, format) == ("weight", "array")
            return np.array([[0.5, np.nan], [0.0, 1.0]])

    assert connection_plot(FakeProjection()) == "O \n.O"
    assert connection_plot(FakeProjection(), positive="x", empty="-", spacer=" ") == "x -\n. x"


def test_connection_plot_of_a_real_projection():
    import pynn_hw.nest as sim
    sim.setup()
    pre = sim.Population(3, sim.IF_cond_exp())
    post = sim.Population(2, sim.IF_cond_exp())
    prj = sim.Projection(pre, post, sim.FromListConnector([(0, 1, 0.01, 1.0), (2, 0, 0.0, 1.0)]))
    assert connection_plot(prj) == " O\n  \n. "
    sim.end()
