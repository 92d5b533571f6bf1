"""Backup and restore: the database, the key material it needs (sealed) and a manifest to verify against."""
