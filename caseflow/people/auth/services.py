"""Sign-in with two factors, enrolment, recovery codes, password change and reset."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from caseflow.audit import services as audit
from caseflow.crypto import seal, unseal
from caseflow.crypto import totp as totp_crypto
from caseflow.crypto.passwords import hash_password, needs_rehash, verify_password
from caseflow.crypto.tokens import digest, new_recovery_code, new_token, normalise_recovery_code
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.notify.services import queue_email
from caseflow.people.auth import sessions, throttle
from caseflow.people.auth.models import PasswordToken, RecoveryCode
from caseflow.people.models import User

RECOVERY_CODE_COUNT = 10


@dataclass
class SignInResult:
    """The outcome of a sign-in attempt; failures are deliberately not told apart to the user."""

    user: User | None = None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def find_user(username: str) -> User | None:
    """An active account by user name (case-insensitive)."""
    return db.session.scalar(select(User).where(
        func.lower(User.username) == username.strip().lower(), User.is_active_account.is_(True)))


def check_second_factor(user: User, code: str) -> bool:
    """Accept a fresh TOTP code or an unused recovery code, each at most once even under races."""
    code = (code or "").strip()
    digits = "".join(ch for ch in code if ch.isdigit())
    if user.totp_secret_enc is not None and len(digits) == 6 and len(code) <= 7:
        counter = totp_crypto.matching_counter(unseal(user, "totp_secret"), digits,
                                               after=user.totp_last_counter)
        # The conditional UPDATE is the check: of two requests with the same code, one wins.
        return counter is not None and db.session.execute(
            update(User).where(User.id == user.id, or_(User.totp_last_counter.is_(None),
                                                       User.totp_last_counter < counter))
            .values(totp_last_counter=counter)).rowcount == 1
    wanted = digest(normalise_recovery_code(code))
    spent = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                   RecoveryCode.code_digest == wanted)
        .values(used_at=utcnow())).rowcount
    if spent != 1:
        return False
    audit.record("auth.recovery_code_used", user=user, object_type="User", object_id=user.id)
    return True


def sign_in(*, username: str, password: str, code: str, address: str, device: str | None) -> SignInResult:
    """Check user name, password and second factor together; one answer for every failure."""
    throttled = throttle.is_throttled(username, address, device)
    if not throttled:
        reserved = throttle.reserve(username, address, device)
        # parallel attempts reserved at the same moment: only those within the limit go on
        throttled = throttle.is_throttled(username, address, device, allowance=1)
    if throttled:
        audit.record("auth.sign_in_throttled", detail={"username": username[:200]}, persist_on_failure=True)
        return SignInResult(throttled=True)
    user = find_user(username)
    password_ok = verify_password(user.password_hash if user else None, password)
    factor_ok = password_ok and user is not None and (not user.mfa_enrolled or check_second_factor(user, code))
    if not (user and password_ok and factor_ok):
        reason = "unknown_user" if user is None else ("password" if not password_ok else "second_factor")
        audit.record("auth.sign_in_failed", user=user, detail={"reason": reason, "username": username[:200]},
                     persist_on_failure=True)
        return SignInResult()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.release(reserved)
    throttle.clear_account(username, address, device)
    user.last_sign_in_at = utcnow()
    sessions.start(user)
    audit.record("auth.sign_in", user=user, object_type="User", object_id=user.id)
    return SignInResult(user=user)


def sign_out(user: User) -> None:
    """End the current session."""
    sessions.end(sessions.current_session(), "sign_out")
    audit.record("auth.sign_out", user=user, object_type="User", object_id=user.id)


def pending_totp_secret(user: User) -> str:
    """The secret being enrolled: created on first call, kept until confirmed."""
    if user.totp_secret_enc is None or user.mfa_enrolled:
        if user.mfa_enrolled:
            raise ValueError("already enrolled")
        seal(user, "totp_secret", totp_crypto.new_secret(), scope="system")
    return unseal(user, "totp_secret")


def confirm_totp(user: User, code: str) -> list[str] | None:
    """Finish enrolment with a first valid code; returns fresh recovery codes, or None."""
    secret = pending_totp_secret(user)
    counter = totp_crypto.matching_counter(secret, code, after=None)
    if counter is None:
        return None
    user.totp_last_counter = counter
    user.totp_enrolled_at = utcnow()
    audit.record("auth.mfa_enrolled", user=user, object_type="User", object_id=user.id)
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace a user's recovery codes; the plain codes are shown once and never stored."""
    for row in db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
        row.used_at = utcnow()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_digest=digest(normalise_recovery_code(code))))
    audit.record("auth.recovery_codes_issued", user=user, object_type="User", object_id=user.id)
    return codes


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def change_password(user: User, *, new_password: str) -> None:
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    sessions.end_all_for(user, "password_changed", except_row=sessions.current_session())
    audit.record("auth.password_changed", user=user, object_type="User", object_id=user.id)


def issue_password_link(user: User, *, purpose: str) -> str:
    """Create a single-use link (reset: 60 minutes; invite: 72 hours) and e-mail it."""
    cfg = current_app.config
    minutes = int(cfg["PASSWORD_RESET_MINUTES"]) if purpose == "reset" else 60 * int(cfg["ACCOUNT_INVITE_HOURS"])
    token = new_token()
    db.session.add(PasswordToken(user_id=user.id, token_digest=digest(token), purpose=purpose,
                                 expires_at=utcnow() + timedelta(minutes=minutes)))
    link = cfg["BASE_URL"].rstrip("/") + url_for("auth.set_password", token=token)
    with force_locale(user.locale):
        if purpose == "reset":
            subject = _("caseflow: reset your password")
            body = _("Someone asked to reset the password of your caseflow account.\n\n"
                     "Open this link within %(minutes)d minutes to choose a new password:\n%(link)s\n\n"
                     "If it was not you, ignore this message; your password stays as it is.",
                     minutes=minutes, link=link)
        else:
            subject = _("caseflow: your new account")
            body = _("An account in caseflow was created for you.\n\n"
                     "Open this link within %(hours)d hours to choose your password:\n%(link)s\n\n"
                     "After that you will set up two-factor authentication.",
                     hours=minutes // 60, link=link)
    queue_email(to=user.email, subject=subject, body=body, user_id=user.id)
    audit.record(f"auth.password_link_{purpose}", user=user, object_type="User", object_id=user.id)
    return token


def request_reset(email_or_username: str) -> None:
    """E-mail a reset link if such an active account exists; say nothing either way."""
    value = email_or_username.strip().lower()
    user = db.session.scalar(select(User).where(
        (func.lower(User.username) == value) | (func.lower(User.email) == value),
        User.is_active_account.is_(True)).limit(1))
    if user is None:
        audit.record("auth.reset_requested_unknown", persist_on_failure=True)
        return
    recent = db.session.scalar(select(func.count()).select_from(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.purpose == "reset",
        PasswordToken.created_at >= utcnow() - timedelta(hours=1)))
    if recent >= 3:
        audit.record("auth.reset_rate_limited", user=user, object_type="User", object_id=user.id)
        return
    issue_password_link(user, purpose="reset")


def valid_token(token: str) -> PasswordToken | None:
    """The unused, unexpired password link for a token."""
    row = db.session.scalar(select(PasswordToken).where(PasswordToken.token_digest == digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row


def set_password_with_token(row: PasswordToken, *, new_password: str) -> None:
    """Use a password link: set the password, spend the link and end every session."""
    user = row.user
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    row.used_at = utcnow()
    for other in db.session.scalars(select(PasswordToken).where(
            PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))):
        other.used_at = row.used_at
    sessions.end_all_for(user, "password_reset")
    audit.record(f"auth.password_set_{row.purpose}", user=user, object_type="User", object_id=user.id)
