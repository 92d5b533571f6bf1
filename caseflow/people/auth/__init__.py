"""Sign-in, two-factor authentication, sessions, password change and reset."""
