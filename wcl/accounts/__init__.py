"""Accounts: users, roles, permissions, demographics."""
