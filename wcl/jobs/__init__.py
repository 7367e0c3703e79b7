"""The transactional job outbox: every job is first a row, written with the change that causes it."""
