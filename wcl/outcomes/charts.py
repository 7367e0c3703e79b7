"""A server-side SVG chart of the year by quarter, drawn by ``reports/_chart.html``
(the reports' chart macro): hidden cells are written "c" and get no bar."""

from wcl.reports.charts import BAR, COLOURS, LABEL_WIDTH, PLOT_WIDTH, bar
from wcl.reports.protection import MARK


def quarters_chart(data, codes, labels, title):
    """Grouped bars: one group per quarter, one bar per indicator in ``codes``."""
    numbers = [v[c] for _q, v in data["quarters"] for c in codes if v[c] != MARK]
    top = max(numbers, default=0) or 1
    group_height = len(codes) * (BAR + 2) + 12
    groups, y = [], 20
    for quarter, values in data["quarters"]:
        bars = [bar(i, values[code], y, top) for i, code in enumerate(codes)]
        groups.append({"label": quarter, "y": y + BAR, "bars": bars})
        y += group_height
    legend = [
        {"label": labels[c], "colour": COLOURS[i % len(COLOURS)], "y": y + 10 + i * 18}
        for i, c in enumerate(codes)
    ]
    return {
        "title": title,
        "groups": groups,
        "legend": legend,
        "bar": BAR,
        "x0": LABEL_WIDTH,
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "height": y + 10 + len(codes) * 18 + 10,
    }
