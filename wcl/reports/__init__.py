"""Reports: read-only aggregations with disclosure control (the cell-key method), and exports."""
