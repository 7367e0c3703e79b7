"""The knowledge bank: educational resources in three languages."""
