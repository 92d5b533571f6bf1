"""The chair's control board over the actions of the groups they chair."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.actions.forms.actions import STATUS_LABELS, BoardFilterForm
from caseflow.actions.selectors import board as selectors
from caseflow.actions.views import bp
from caseflow.audit import services as audit


@bp.route("/board")
@requires(Permission.ACTION_BOARD)
def board():
    """Overdue actions, those due this week, and counts by institution and by case."""
    actor = current_actor()
    form = BoardFilterForm(formdata=request.args)
    form.validate()
    groups, institutions = selectors.filter_choices(actor)
    form.group_id.choices = [("", _("All groups"))] + groups
    form.institution_id.choices = [("", _("All institutions"))] + institutions
    group_id, institution_id, status = form.narrowed()
    data = selectors.board(actor, selectors.Filters(group_id=group_id, institution_id=institution_id,
                                                    status=status))
    shown = [a.id for a in data.overdue + data.due_this_week]
    audit.record("action.board", detail={"group_id": group_id, "institution_id": institution_id, "status": status,
                                         "shown": shown, "cases": [c.id for c in data.by_case]})
    bars, height = selectors.chart(data.by_institution)
    return render_template("actions/board.html", form=form, board=data, labels=STATUS_LABELS, bars=bars,
                           chart_height=height, chart_width=selectors.CHART_WIDTH, chart_left=selectors.CHART_LEFT)
