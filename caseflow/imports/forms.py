"""The upload form: the kind of data (or let caseflow tell from the columns) and the file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from caseflow.core.forms import BaseForm
from caseflow.imports.formats import FORMATS


class UploadForm(BaseForm):
    """Choose the kind of data and the file."""

    kind = SelectField(_l("Kind of data"), choices=[], default="",
                       description=_l("Leave \"Tell from the columns\" to let caseflow recognise the file."))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("CSV (UTF-8 or Windows-1257, separated by ; or ,) or an Excel workbook "
                                    "(.xlsx). The first row names the columns."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Tell from the columns"))] + [(k, f.label) for k, f in FORMATS.items()]
