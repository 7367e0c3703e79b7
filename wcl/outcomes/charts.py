"""A server-side SVG chart of the year by quarter, drawn by ``reports/_chart.html``
(the reports' chart macro): hidden cells are written "c" and get no bar."""

from wcl.reports.charts import grouped_bars


def quarters_chart(data, codes, labels, title):
    """Grouped bars: one group per quarter, one bar per indicator in ``codes``."""
    groups = [(quarter, [values[code] for code in codes]) for quarter, values in data["quarters"]]
    return grouped_bars(groups, [labels[code] for code in codes], title)
