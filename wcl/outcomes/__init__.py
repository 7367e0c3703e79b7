"""Outcomes: follow-up surveys, support services, indicators, open data and the IATI file."""
