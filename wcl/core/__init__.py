"""Cross-cutting pieces: home page, health, language switch, errors, security headers."""
