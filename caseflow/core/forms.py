"""Base form: WTForms' own messages go through caseflow's catalogue (which has them in Latvian)."""
from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm


class _Translations:
    """Translate without formatting: WTForms fills in its own placeholders (min, max …)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    """Every caseflow form derives from this one."""

    class Meta:
        def get_translations(self, form):
            return _Translations()
