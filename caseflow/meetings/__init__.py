"""Cooperation groups, sessions, agendas, hearings, agreed measures and minutes."""
