"""Uploaded and generated files: checked, cleaned, stored outside the web root."""
