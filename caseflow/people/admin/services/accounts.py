"""User accounts and memberships: create, invite, edit, deactivate, reset two-factor, add and end roles.

The administrator never sees or sets a password: a new account gets an e-mailed invitation link.
"""
from __future__ import annotations

import re
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from caseflow.access.permissions import SCHOOL_ROLES, Role
from caseflow.audit import services as audit
from caseflow.core.i18n import format_date_lv
from caseflow.core.templating import role_label
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.notify.services import queue_email
from caseflow.people.admin.labels import KIND_LABELS, label
from caseflow.people.admin.services import Errors, Invalid, Refused, apply, flush
from caseflow.people.auth import sessions
from caseflow.people.auth.models import PasswordToken, RecoveryCode, UserSession
from caseflow.people.auth.services import issue_password_link
from caseflow.people.models import SCHOOL_KINDS, Institution, InstitutionKind, Membership, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]*$")

#: the institution kinds where a role makes sense; a role not listed here fits anywhere
ROLE_KINDS: dict[Role, frozenset[str]] = {
    **{role: frozenset(SCHOOL_KINDS) for role in SCHOOL_ROLES},
    Role.COORDINATOR: frozenset({InstitutionKind.EDUCATION_BOARD}),
    Role.SOCIAL_WORKER: frozenset({InstitutionKind.SOCIAL_SERVICE}),
    Role.ORPHANS_COURT: frozenset({InstitutionKind.ORPHANS_COURT}),
    Role.MUNICIPAL_POLICE: frozenset({InstitutionKind.MUNICIPAL_POLICE}),
    Role.STATE_POLICE: frozenset({InstitutionKind.STATE_POLICE}),
}


def role_fits_kind(role: str, kind: str) -> bool:
    """True if the role can be held at an institution of that kind (admin, DPO, analyst anywhere)."""
    try:
        allowed = ROLE_KINDS.get(Role(role))
    except ValueError:
        return False
    return allowed is None or kind in allowed


# --- accounts -----------------------------------------------------------------------------------

def _check_locale(errors: Errors, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        errors.add("locale", _("Choose a language."))


def create_user(*, username: str, full_name: str, email: str, locale: str) -> User:
    """Open an account and e-mail its invitation link (in the same transaction)."""
    username = (username or "").strip().lower()
    errors = Errors()
    if not USERNAME_PATTERN.match(username):
        errors.add("username", _("Use only letters a–z, digits and . _ @ + -"))
    elif db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        errors.add("username", _("This user name is already taken."))
    if not (full_name or "").strip():
        errors.add("full_name", _("Enter the name."))
    _check_locale(errors, locale)
    errors.raise_if_any()
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), locale=locale,
                is_active_account=True)
    db.session.add(user)
    flush(on_conflict=("username", _("This user name is already taken.")))
    audit.record("admin.user_created", object_type="User", object_id=user.id,
                 detail={"fields": ["email", "full_name", "locale", "username"]})
    issue_password_link(user, purpose="invite")
    return user


def update_user(user: User, *, full_name: str, email: str, locale: str, is_active_account: bool,
                actor_user_id: int) -> list[str]:
    """Change name, e-mail, language or the active flag; deactivating ends every session."""
    errors = Errors()
    if not (full_name or "").strip():
        errors.add("full_name", _("Enter the name."))
    _check_locale(errors, locale)
    if not is_active_account and user.id == actor_user_id:
        errors.add("is_active_account", _("You cannot deactivate your own account."))
    errors.raise_if_any()
    was_active, old_email = user.is_active_account, user.email
    changed = apply(user, {"full_name": full_name.strip(), "email": email.strip(), "locale": locale,
                           "is_active_account": bool(is_active_account)})
    if not changed:
        return changed
    if "email" in changed:
        _tell_old_address(user, old_email)
    detail: dict = {"fields": changed}
    if was_active and not user.is_active_account:
        detail["sessions_ended"] = _end_sessions(user, "deactivated")
    db.session.flush()
    audit.record("admin.user_updated", object_type="User", object_id=user.id, detail=detail)
    return changed


def _tell_old_address(user: User, old_email: str) -> None:
    """An address change is announced to the old address, so a hijacked account does not go unseen."""
    with force_locale(user.locale):
        queue_email(to=old_email, user_id=user.id, subject=_("caseflow: your e-mail address was changed"),
                    body=_("An administrator changed the e-mail address of your caseflow account. "
                           "Password links will now go to the new address.\n\n"
                           "If you did not expect this, tell your data-protection officer at once."))


def _end_sessions(user: User, reason: str) -> int:
    open_sessions = db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)))
    sessions.end_all_for(user, reason)
    return open_sessions


def resend_invitation(user: User) -> None:
    """E-mail a fresh invitation link to an active account that has no password yet."""
    if not user.is_active_account:
        raise Refused(_("The account is not active."))
    if user.password_hash is not None:
        raise Refused(_("This person has already chosen a password. They can reset it from the "
                        "sign-in page."))
    db.session.execute(update(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.purpose == "invite",
        PasswordToken.used_at.is_(None)).values(used_at=utcnow()))
    issue_password_link(user, purpose="invite")
    audit.record("admin.user_invited", object_type="User", object_id=user.id)


def reset_two_factor(user: User) -> None:
    """Remove the authenticator and recovery codes and end every session; the user enrols again."""
    user.totp_secret_enc = None
    user.totp_enrolled_at = None
    user.totp_last_counter = None
    voided = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)).values(used_at=utcnow())).rowcount
    ended = _end_sessions(user, "mfa_reset")
    with force_locale(user.locale):
        queue_email(to=user.email, user_id=user.id,
                    subject=_("caseflow: two-factor authentication was reset"),
                    body=_("An administrator has reset the two-factor authentication of your caseflow "
                           "account. The next time you sign in you will set up your authenticator "
                           "app again.\n\nIf you did not ask for this, tell your administrator at once."))
    db.session.flush()
    audit.record("admin.user_mfa_reset", object_type="User", object_id=user.id,
                 detail={"fields": ["totp_enrolled_at", "totp_last_counter", "totp_secret_enc"],
                         "recovery_codes_voided": voided, "sessions_ended": ended})


# --- memberships --------------------------------------------------------------------------------

def add_membership(user: User, *, role: str, institution_id: int, title: str | None,
                   valid_from: date | None, valid_to: date | None, actor_user_id: int) -> Membership:
    """Give a person a role at an institution (never oneself: an administrator reads no child data)."""
    errors = Errors()
    if user.id == actor_user_id:
        errors.add("role", _("You cannot give roles to your own account; ask another administrator."))
        errors.raise_if_any()
    institution = db.session.get(Institution, institution_id or 0)
    if institution is None:
        errors.add("institution_id", _("Choose an institution."))
    try:
        role = Role(role)
    except ValueError:
        errors.add("role", _("Choose a role."))
        role = None
    if role and institution and not role_fits_kind(role, institution.kind):
        errors.add("role", _("The role “%(role)s” does not fit this kind of institution (%(kind)s).",
                             role=role_label(role), kind=label(KIND_LABELS, institution.kind)))
    if institution and not institution.is_active_on(valid_from or local_today()):
        errors.add("institution_id", _("The institution is closed or merged on that day."))
    if valid_from and valid_to and valid_to < valid_from:
        errors.add("valid_to", _("The end date is before the start date."))
    if role and institution:
        existing = db.session.scalar(select(Membership).where(
            Membership.user_id == user.id, Membership.institution_id == institution.id,
            Membership.role == role))
        if existing is not None:
            errors.add("role", _("This person already has this role at this institution.")
                       if existing.valid_to is None else
                       _("This person already had this role at this institution (until %(day)s).",
                         day=format_date_lv(existing.valid_to)))
    errors.raise_if_any()
    membership = Membership(user_id=user.id, institution_id=institution.id, role=role,
                            title=(title or "").strip() or None, valid_from=valid_from,
                            valid_to=valid_to)
    db.session.add(membership)
    flush(on_conflict=("role", _("This person already has this role at this institution.")))
    audit.record("admin.membership_added", object_type="Membership", object_id=membership.id,
                 detail={"user_id": user.id, "institution_id": institution.id, "role": str(role),
                         "fields": sorted(k for k, v in {"title": membership.title,
                                                         "valid_from": valid_from,
                                                         "valid_to": valid_to}.items() if v)})
    return membership


def end_membership(membership: Membership, *, valid_to: date) -> None:
    """End a role on a given last day (memberships are never deleted)."""
    if membership.valid_from and valid_to < membership.valid_from:
        raise Invalid({"valid_to": [_("The end date is before the start date.")]})
    if membership.valid_to is not None and membership.valid_to < local_today():
        raise Refused(_("This role has already ended."))
    membership.valid_to = valid_to
    db.session.flush()
    audit.record("admin.membership_ended", object_type="Membership", object_id=membership.id,
                 detail={"user_id": membership.user_id, "fields": ["valid_to"]})
