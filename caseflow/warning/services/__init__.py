"""Workflow rules of early warning: computing signals, dismissing them, telling the municipality."""
