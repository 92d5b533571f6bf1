"""Demo data and the Riga-scale generator."""
