"""Payments: the provider interface, sandbox and offline providers, the webhook inbox, refunds."""
