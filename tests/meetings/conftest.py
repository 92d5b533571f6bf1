"""Fixtures of the cooperation groups' tests."""
import pytest

from tests.meetings.world import build_world


@pytest.fixture
def world(app, factory):
    return build_world(app, factory)
