"""Fixtures of the export tests: the cooperation-group world of tests/meetings, plus Latvian readers."""
import pytest

from tests.meetings.world import build_world


@pytest.fixture
def world(app, factory):
    """build_world (its users read English) and `pedagogue_lv`, a colleague at `school` reading Latvian."""
    w = build_world(app, factory)
    w.pedagogue_lv = factory.user("social_pedagogue", w.school.id)
    return w
