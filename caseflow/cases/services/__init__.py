"""Case services, one module per area."""
