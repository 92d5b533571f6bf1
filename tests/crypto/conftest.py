"""An application without a database, for checks that need only keys and configuration."""
from __future__ import annotations

import pytest

from caseflow import create_app


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """Keys and configuration of a test application; no database is touched."""
    instance = tmp_path_factory.mktemp("instance")
    return create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance}/unused.db"},
                      testing=True)
