"""Seed grants: a lab's fund, awards paid in tranches on evidence, disbursements and spending."""
