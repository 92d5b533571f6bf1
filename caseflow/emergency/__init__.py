"""Break-the-glass access to one case, its review by the data-protection officer, unusual-access alerts."""
