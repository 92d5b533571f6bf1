"""Password policy: at least N characters, not a common password, not one's own name; no composition rules."""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
#: local additions to the list (Latvian words people use as passwords)
LOCAL_COMMON = {
    "parole123456", "parole1234567", "parole12345678", "mana parole123", "manaparole123",
    "latvija12345", "latvija123456", "riga12345678", "sveiki123456", "qwertyuiopas",
    "caseflow1234", "caseflow12345", "skola1234567", "bērns1234567",
}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common-password list (20,000 passwords from public breach corpora, plus local ones)."""
    with gzip.open(COMMON_FILE, "rt", encoding="utf-8") as handle:
        words = {line.strip().lower() for line in handle if line.strip()}
    return frozenset(words | LOCAL_COMMON)


def password_problem(password: str, *, user_words: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, in the user's language; None when it is fine."""
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", minimum)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return _("This password is too common or too easy to guess. Choose another.")
    for word in user_words:
        word = (word or "").lower()
        if len(word) >= 4 and word in lowered:
            return _("The password must not contain your name or user name.")
    return None
