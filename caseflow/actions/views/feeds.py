"""One's notices (reminders) and the private calendar feed of one's actions' deadlines."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, public, requires
from caseflow.actions import ics
from caseflow.actions.reminders import notice_text
from caseflow.actions.selectors import notices as selectors
from caseflow.actions.services import notices as services
from caseflow.actions.views import bp
from caseflow.core.forms import BaseForm


def _render(feed_url: str | None = None):
    user_id = current_actor().user_id
    rows = selectors.notices(user_id)
    return render_template("actions/notices.html", notices=rows, texts={n.id: notice_text(n.kind, n.params)
                                                                        for n in rows},
                           unread=sum(1 for n in rows if n.read_at is None), has_feed=selectors.has_feed(user_id),
                           feed_url=feed_url)


@bp.route("/notices")
@requires(Permission.SIGNED_IN)
def notices():
    """The person's notices, newest first, and their calendar feed."""
    return _render()


@bp.route("/notices/read", methods=["POST"])
@requires(Permission.SIGNED_IN)
def mark_read():
    """Mark all of the person's notices as read."""
    if BaseForm().validate_on_submit():
        services.mark_all_read(user_id=current_actor().user_id)
        flash(_("All notices are marked as read."), "success")
    return redirect(url_for(".notices"))


@bp.route("/feed", methods=["POST"])
@requires(Permission.SIGNED_IN)
def create_feed():
    """Make a new private calendar feed URL (an earlier one stops working); it is shown once."""
    if not BaseForm().validate_on_submit():
        return redirect(url_for(".notices"))
    token = services.create_feed(user_id=current_actor().user_id)
    url = current_app.config["BASE_URL"].rstrip("/") + url_for(".feed", token=token)
    return _render(feed_url=url)


@bp.route("/feed/revoke", methods=["POST"])
@requires(Permission.SIGNED_IN)
def revoke_feed():
    """Revoke the person's calendar feed: its URL stops working at once."""
    if BaseForm().validate_on_submit() and services.revoke_feeds(user_id=current_actor().user_id):
        flash(_("The calendar feed was revoked; its address no longer works."), "success")
    return redirect(url_for(".notices"))


@bp.route("/feed/<token>.ics")
@public
def feed(token: str):
    """The calendar feed of the token's owner (the token is the only key; a revoked one is a 404)."""
    owner = selectors.feed_owner(token) if len(token) >= 43 else None
    if owner is None:
        abort(404)
    response = Response(ics.feed(owner), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="caseflow-actions.ics"'
    return response


@bp.app_context_processor
def _notice_count() -> dict:
    """`unread_notice_count()` for the navigation badge."""
    return {"unread_notice_count": selectors.unread_notice_count}
