"""Sign-in, enrolment and password forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from caseflow.core.forms import BaseForm


class SignInForm(BaseForm):
    """User name, password and one-time code on one form, so every failure looks the same."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=200)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("One-time code"), validators=[Length(max=40)],
                       description=_l("6 digits from your authenticator app, or a recovery code. "
                                      "Leave empty only if you have not set up two-factor authentication yet."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class TotpConfirmForm(BaseForm):
    """Confirm a new authenticator with its first code."""

    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class CodeForm(BaseForm):
    """Re-enter the second factor before a sensitive change."""

    code = StringField(_l("One-time code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code"})


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1000)],
                                 description=_l("At least 12 characters. A few unrelated words are easy to "
                                                "remember and hard to guess."),
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    """Change one's own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1000)],
                            render_kw={"autocomplete": "current-password"})


class SetPasswordForm(NewPasswordMixin, BaseForm):
    """Choose a password from an e-mailed link; the second factor is asked when enrolled."""

    code = StringField(_l("One-time code"), validators=[Length(max=40)],
                       description=_l("6 digits from your authenticator app, or a recovery code."),
                       render_kw={"autocomplete": "one-time-code"})


class ForgotForm(BaseForm):
    """Ask for a password reset link."""

    email = StringField(_l("E-mail address or user name"), validators=[DataRequired(), Length(max=200)],
                        render_kw={"autocomplete": "username"})
