"""Transactional outbox: e-mails written with the change that causes them, delivered by the worker."""
