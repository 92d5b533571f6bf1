"""@requires and @public: every endpoint declares what it needs, or that it is public."""
from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort

from caseflow.access.permissions import READS_CHILD_DATA, Permission
from caseflow.access.policy import can, current_actor


def public(view: Callable) -> Callable:
    """Mark a view as reachable without signing in."""
    view.caseflow_public = True
    return view


def requires(permission: Permission, *, load: Callable | None = None) -> Callable:
    """Refuse the view unless the policy allows it; load, audit and pass the object when given."""
    permission = Permission(permission)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**kwargs):
            from caseflow.audit import services as audit

            actor = current_actor()
            if actor is None:
                abort(401)
            if load is None:
                if not can(actor, permission):
                    audit.record_denial(permission=permission)
                    abort(403)
                return view(**kwargs)
            obj = load(**kwargs)
            if obj is None:
                abort(404)
            if not can(actor, permission, obj):
                audit.record_denial(permission=permission, obj=obj)
                abort(404)
            if permission in READS_CHILD_DATA:
                audit.record_read(obj, permission=permission)
            return view(obj, **kwargs)

        wrapper.caseflow_permission = permission
        return wrapper

    return decorate
