"""User accounts and their memberships."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.admin import forms, selectors
from caseflow.people.admin.forms import object_options
from caseflow.people.admin.services import Refused, accounts
from caseflow.people.admin.views import arg_int, attempt, bp, data
from caseflow.people.models import Membership, User


@bp.route("/users")
@requires(Permission.ADMIN_MANAGE)
def users():
    """Accounts by name, with a search by name or user name."""
    form = forms.UserSearchForm(formdata=request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    page = selectors.users_page(current_actor(), q=q or None, after=arg_int("after"),
                                size=current_app.config["PAGE_SIZE"])
    next_url = url_for("admin.users", q=q or None, after=page.next_after) if page.next_after else None
    first_url = url_for("admin.users", q=q or None) if arg_int("after") else None
    return render_template("admin/users.html", form=form, page=page, q=q, next_url=next_url,
                           first_url=first_url)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def user_create():
    """Open an account; the person gets an invitation e-mail to choose a password."""
    form = forms.UserCreateForm()
    if form.validate_on_submit():
        ok, user = attempt(form, lambda: accounts.create_user(
            **data(form, "username", "full_name", "email", "locale")))
        if ok:
            flash(_("The account has been opened and an invitation sent to %(email)s.", email=user.email),
                  "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


def _membership_forms(user: User, add_form: forms.MembershipForm | None = None,
                      end_forms: dict | None = None):
    """The add-membership form (institutions of one municipality) and one end form per current role."""
    actor = current_actor()
    municipalities = selectors.municipalities(actor)
    pick = forms.MunicipalityPickForm(formdata=request.args)
    pick.municipality_id.choices = object_options(municipalities)
    municipality_id = arg_int("municipality_id") or (actor.municipality_id if actor else None)
    pick.municipality_id.data = municipality_id
    add_form = add_form or forms.MembershipForm()
    add_form.institution_id.choices = object_options(
        selectors.institutions_in(actor, [municipality_id] if municipality_id else [], active_only=True),
        blank=_("— choose —"))
    end_forms = end_forms or {}
    for membership in user.memberships:
        end_forms.setdefault(membership.id, forms.EndMembershipForm(prefix=f"end-{membership.id}",
                                                                    formdata=None))
    return pick, add_form, end_forms, municipality_id


def _user_page(user: User, **kwargs):
    pick, add_form, end_forms, municipality_id = _membership_forms(user, **kwargs)
    return render_template("admin/user.html", user=user, pick=pick, add_form=add_form,
                           end_forms=end_forms, municipality_id=municipality_id, today=local_today())


@bp.route("/users/<int:user_id>")
@requires(Permission.ADMIN_MANAGE)
def user(user_id: int):
    """One account: details, memberships, invitation and two-factor actions."""
    return _user_page(db.get_or_404(User, user_id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def user_edit(user_id: int):
    """Change name, e-mail, language or the active flag."""
    user = db.get_or_404(User, user_id)
    form = forms.UserEditForm(obj=user)
    if form.validate_on_submit():
        ok, _changed = attempt(form, lambda: accounts.update_user(
            user, **data(form, "full_name", "email", "locale", "is_active_account"),
            actor_user_id=current_actor().user_id))
        if ok:
            flash(_("The account has been saved."), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def user_resend_invitation(user_id: int):
    """E-mail a new invitation link to someone who has not chosen a password yet."""
    user = db.get_or_404(User, user_id)
    try:
        accounts.resend_invitation(user)
    except Refused as exc:
        flash(str(exc), "error")
    else:
        flash(_("A new invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/two-factor-reset", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def user_reset_two_factor(user_id: int):
    """Remove the person's authenticator; they set it up again at their next sign-in."""
    user = db.get_or_404(User, user_id)
    accounts.reset_two_factor(user)
    flash(_("Two-factor authentication has been reset and the person signed out everywhere."), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/memberships", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def membership_add(user_id: int):
    """Give the person a role at an institution."""
    user = db.get_or_404(User, user_id)
    _pick, form, _ends, _municipality = _membership_forms(user)
    if form.validate_on_submit():
        ok, _membership = attempt(form, lambda: accounts.add_membership(
            user, **data(form, "role", "institution_id", "title", "valid_from", "valid_to"),
            actor_user_id=current_actor().user_id))
        if ok:
            flash(_("The role has been added."), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, add_form=form)


@bp.route("/users/<int:user_id>/memberships/<int:membership_id>/end", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def membership_end(user_id: int, membership_id: int):
    """End a role on a given last day (roles are never deleted)."""
    membership = db.get_or_404(Membership, membership_id)
    if membership.user_id != user_id:
        abort(404)
    form = forms.EndMembershipForm(prefix=f"end-{membership.id}")
    if form.validate_on_submit():
        try:
            ok, _none = attempt(form, lambda: accounts.end_membership(membership, valid_to=form.valid_to.data))
        except Refused as exc:
            flash(str(exc), "error")
            return redirect(url_for("admin.user", user_id=user_id))
        if ok:
            flash(_("The role has been ended."), "success")
            return redirect(url_for("admin.user", user_id=user_id))
    return _user_page(membership.user, end_forms={membership.id: form})
