"""Records management: data-subject access exports, retention of closed cases, legal holds."""
