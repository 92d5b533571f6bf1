"""Base form: WTForms' own messages go through caseflow's catalogue (which has them in Latvian)."""
from __future__ import annotations

from flask_babel import gettext, ngettext
from flask_wtf import FlaskForm


class _Translations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class BaseForm(FlaskForm):
    """Every caseflow form derives from this one."""

    class Meta:
        def get_translations(self, form):
            return _Translations()
