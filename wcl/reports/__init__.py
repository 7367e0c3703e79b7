"""Reports: read-only aggregations with small-count suppression, and exports."""
