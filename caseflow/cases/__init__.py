"""Cases about pupils at risk: concerns, opening, risk factors, parties, team, notes, referral, closing."""
