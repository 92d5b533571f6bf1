"""Monitoring of the municipal plans: indicators, their figures and what may be published of them."""
