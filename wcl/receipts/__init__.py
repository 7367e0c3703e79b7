"""Receipts: numbering, PDF rendering (the only WeasyPrint import), verification."""
