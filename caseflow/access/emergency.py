"""Break-the-glass as SQL: an unexpired emergency grant of the actor's own user for the case."""
from __future__ import annotations

from caseflow.db import utcnow


def grant_probe(actor, case_id_column):
    """The actor's user, in the institution it asked from, holds an unexpired grant (a probe for
    participation.any_of; None: the role cannot hold one)."""
    from caseflow.access.participation import probe
    from caseflow.access.permissions import Permission
    from caseflow.emergency.models import EmergencyGrant

    if Permission.EMERGENCY_ACCESS not in actor.permissions:
        return None
    return probe(EmergencyGrant.case_id == case_id_column, EmergencyGrant.user_id == actor.user_id,
                 EmergencyGrant.institution_id == actor.institution_id, EmergencyGrant.expires_at > utcnow(),
                 correlate_except=(EmergencyGrant,))
