"""Fixtures for the outbox tests."""
from tests.notify.smtp import smtp  # noqa: F401 — a real SMTP server on a free port
