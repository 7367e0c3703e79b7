"""Applications: calls, applications, attachments, reviews, decisions."""
