"""Fixtures for the authentication tests."""
from __future__ import annotations

import pytest
import time_machine

from tests.notify.smtp import smtp  # noqa: F401 — a real SMTP server for the reset e-mails
from tests.people.auth.helpers import T0


@pytest.fixture
def frozen():
    """Time stands still at T0 for the whole test (list it first); move it with frozen.shift().

    Everything that signs a cookie or writes a timestamp must happen inside the frozen time:
    Flask refuses a session cookie signed in the future, so mixing real and travelled time would
    silently drop the browser's session.
    """
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller
