"""Server-side bar charts: geometry computed here, drawn by ``reports/_chart.html``
as SVG (readable without JavaScript; hidden cells drawn as "c", never as a bar)."""

from wcl.reports.protection import MARK

BAR = 14
GAP = 4
LABEL_WIDTH = 230
PLOT_WIDTH = 300
COLOURS = (
    "#9b1d5a",
    "#2f6f8f",
    "#c77d14",
    "#4f7a28",
    "#6b4c9a",
    "#8a5a44",
    "#3d3d3d",
    "#b03a2e",
    "#1f7a7a",
    "#7a6f1f",
)


def bar(i, value, group_y, top):
    """The ``i``-th bar of a group starting at ``group_y``, scaled so that ``top`` fills the plot;
    a hidden cell (``MARK``) gets no bar, only its "c"."""
    y = group_y + i * (BAR + 2)
    hidden = value == MARK
    width = 0 if hidden else round(PLOT_WIDTH * value / top)
    return {
        "y": y,
        "width": width,
        "value": value,
        "hidden": hidden,
        "colour": COLOURS[i % len(COLOURS)],
        "text_x": LABEL_WIDTH + width + 4,
        "text_y": y + BAR - 3,
    }


def funnel_chart(report, title):
    """Grouped horizontal bars: for each stage, one bar per category."""
    rows = [*report.funnel, *report.people]
    return grouped_bars([(row.label, row.values) for row in rows], report.category_labels, title)


def grouped_bars(groups, series, title):
    """Grouped horizontal bars: a group per ``(label, values)`` in ``groups``, a bar per value,
    one value per series (``series`` names them in the legend, in the same order)."""
    numbers = [v for _label, values in groups for v in values if v != MARK]
    top = max(numbers, default=0) or 1
    n = len(series)
    group_height = n * (BAR + 2) + GAP * 3
    drawn, y = [], 20
    for label, values in groups:
        bars = [bar(i, value, y, top) for i, value in enumerate(values)]
        drawn.append({"label": label, "y": y + BAR, "bars": bars})
        y += group_height
    legend_y = y + 10
    legend = [
        {"label": label, "colour": COLOURS[i % len(COLOURS)], "y": legend_y + i * 18}
        for i, label in enumerate(series)
    ]
    return {
        "title": title,
        "groups": drawn,
        "legend": legend,
        "bar": BAR,
        "x0": LABEL_WIDTH,
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "height": legend_y + n * 18 + 10,
    }
