"""Administration: municipalities, institutions, accounts, memberships, groups, settings."""
