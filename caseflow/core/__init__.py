"""Cross-cutting web plumbing: guard, transactions, security headers, errors, i18n, health."""
