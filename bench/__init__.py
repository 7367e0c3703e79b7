"""Benchmarks: scripts that print figures (not tests). Run with ``python -m bench.<name>``."""
