"""Partner organisations, partnerships and the community directory."""
