"""Actions agreed by a cooperation group: each institution's work queue and follow-up log."""
