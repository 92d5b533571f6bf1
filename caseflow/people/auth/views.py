"""Sign-in, sign-out, two-factor enrolment, own account, password change and reset."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from caseflow.access import Permission, public, requires
from caseflow.core.ratelimit import rate_limited
from caseflow.core.redirects import local_path
from caseflow.crypto import totp as totp_crypto
from caseflow.crypto.passwords import verify_password
from caseflow.crypto.tokens import new_token
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.auth import forms, services, sessions, throttle
from caseflow.people.models import Membership
from caseflow.people.passwords import password_problem

bp = Blueprint("auth", __name__)
DEVICE_COOKIE = "caseflow_device"
DEVICE_DAYS = 180


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="caseflow-device")


def _known_device(username: str) -> str | None:
    """The device token if this browser signed in to this account before."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _device_serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    return data.get("n") if data.get("u") == username.strip().lower() else None


def _remember_device(username: str) -> None:
    value = _device_serializer().dumps({"u": username.strip().lower(), "n": new_token()[:16]})

    @after_this_request
    def _set(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("core.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@rate_limited("RATELIMIT_SIGN_IN")
def sign_in():
    """Sign in with user name, password and one-time code."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.SignInForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data
        device = _known_device(username)
        result = services.sign_in(username=username, password=form.password.data,
                                  code=form.code.data or "", address=request.remote_addr or "-",
                                  device=device)
        if result.ok:
            if device is None:
                _remember_device(username)
            if not result.user.mfa_enrolled:
                return redirect(url_for("auth.enrol_totp"))
            return redirect(_safe_next(request.args.get("next")))
        if result.throttled:
            error = _("Too many failed attempts. Wait 15 minutes and try again, or reset your password.")
        else:
            error = _("The user name, password or one-time code is not correct.")
    expired = request.args.get("expired") == "1"
    return render_template("auth/sign_in.html", form=form, error=error, expired=expired)


@bp.route("/sign-out", methods=["POST"])
@requires(Permission.SIGNED_IN)
def sign_out():
    """End the session."""
    services.sign_out(current_user)
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def enrol_totp():
    """Set up the authenticator app: QR code, manual key, first code."""
    if current_user.mfa_enrolled:
        return redirect(url_for("auth.account"))
    secret = services.pending_totp_secret(current_user)
    uri = totp_crypto.provisioning_uri(secret, account=current_user.username)
    form = forms.TotpConfirmForm()
    if form.validate_on_submit():
        codes = services.confirm_totp(current_user, form.code.data)
        if codes is not None:
            return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
        form.code.errors.append(_("The code is not correct. Check the time on your phone and try again."))
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/enrol_totp.html", form=form, qr=totp_crypto.qr_data_uri(uri), secret=grouped)


@bp.route("/account/recovery-codes", methods=["POST"])
@requires(Permission.SIGNED_IN)
def recovery_codes():
    """Issue new recovery codes after re-entering the second factor."""
    form = forms.CodeForm()
    address = request.remote_addr or "-"
    # a wrong code counts as a failed sign-in: a stolen session must not be able to guess codes
    if throttle.is_throttled(current_user.username, address, None):
        flash(_("Too many failed attempts. Wait 15 minutes and try again."), "error")
    elif form.validate_on_submit() and services.check_second_factor(current_user, form.code.data):
        return render_template("auth/recovery_codes.html", codes=services.new_recovery_codes(current_user),
                               first_time=False)
    else:
        if form.code.data:
            throttle.record_failure(current_user.username, address, None)
        flash(_("The one-time code is not correct; no new recovery codes were made."), "error")
    return redirect(url_for("auth.account"))


@bp.route("/account")
@requires(Permission.SIGNED_IN)
def account():
    """Own account: memberships, language, two-factor status."""
    return render_template("auth/account.html", code_form=forms.CodeForm(),
                           remaining_codes=services.unused_recovery_codes(current_user))


@bp.route("/account/role", methods=["POST"])
@requires(Permission.SIGNED_IN)
def switch_role():
    """Act in another of one's memberships."""
    membership = db.session.get(Membership, request.form.get("membership_id", type=int) or 0)
    if membership is None or membership.user_id != current_user.id or not membership.is_valid_on(
            local_today()):  # the day sessions.current_membership() checks, not the sign-in day
        abort(404)
    sessions.switch_membership(membership)
    return redirect(url_for("core.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def change_password():
    """Change one's password (other sessions end)."""
    form = forms.ChangePasswordForm()
    address = request.remote_addr or "-"
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data,
                                   user_words=(current_user.username, current_user.full_name, current_user.email))
        # a wrong current password counts as a failed sign-in: a stolen session must not be
        # able to guess the password here
        if throttle.is_throttled(current_user.username, address, None):
            form.current.errors.append(_("Too many failed attempts. Wait 15 minutes and try again."))
        elif not verify_password(current_user.password_hash, form.current.data):
            throttle.record_failure(current_user.username, address, None)
            form.current.errors.append(_("The current password is not correct."))
        elif problem:
            form.new_password.errors.append(problem)
        else:
            services.change_password(current_user, new_password=form.new_password.data)
            flash(_("Your password has been changed. Other sessions were signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@rate_limited("RATELIMIT_PASSWORD_RESET")
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = forms.ForgotForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data)
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@public
@rate_limited("RATELIMIT_SIGN_IN")
def set_password(token: str):
    """Choose a new password from an e-mailed link; asks for the second factor when enrolled."""
    row = services.valid_token(token)
    if row is None:
        return render_template("auth/link_invalid.html"), 404
    user = row.user
    form = forms.SetPasswordForm()
    address = request.remote_addr or "-"
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, user_words=(user.username, user.full_name, user.email))
        # the password is judged before the second factor, which a check spends (a TOTP step,
        # a recovery code) even when the new password is then refused
        if throttle.is_throttled(user.username, address, None):
            form.code.errors.append(_("Too many failed attempts. Wait 15 minutes and try again."))
        elif problem:
            form.new_password.errors.append(problem)
        elif user.mfa_enrolled and not services.check_second_factor(user, form.code.data or ""):
            throttle.record_failure(user.username, address, None)
            form.code.errors.append(_("The one-time code is not correct."))
        else:
            services.set_password_with_token(row, new_password=form.new_password.data)
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, needs_code=user.mfa_enrolled,
                           purpose=row.purpose)
