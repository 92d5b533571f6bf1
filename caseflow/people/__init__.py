"""Municipalities, institutions, user accounts, memberships, sign-in and two-factor authentication."""
