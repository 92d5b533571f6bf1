"""Base form: WTForms' own messages go through caseflow's catalogue (which has them in Latvian)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


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


class DecimalCommaField(StringField):
    """A decimal number; a decimal comma (1,5) is accepted as well as a point (1.5)."""

    message = _l("Enter a number, e.g. 1.5")

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off", "size": 6})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data.normalize(), "f")

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".").replace(" ", "")
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(self.message) from None
        if not value.is_finite():
            raise ValueError(self.message)
        self.data = value
