"""Exports: the case work list, the action queue and board, a support plan and minutes as
spreadsheets, through the same permissions, scopes and selectors as their pages, and audited."""
