"""THE access policy of caseflow: deny by default, one place for every rule."""
from caseflow.access.decorators import public, requires
from caseflow.access.permissions import Permission, Role
from caseflow.access.policy import Actor, can, current_actor, scope

__all__ = ["Actor", "Permission", "Role", "can", "current_actor", "public", "requires", "scope"]
