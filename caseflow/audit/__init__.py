"""Append-only, tamper-evident audit trail: who did or saw what, when, from where."""
