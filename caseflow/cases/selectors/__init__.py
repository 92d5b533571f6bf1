"""Case selectors, one module per area."""
