"""Case forms, one module per area."""
