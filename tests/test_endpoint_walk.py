"""Every endpoint is public or declares a permission; anonymous users reach only public ones."""
from __future__ import annotations

import pytest

from caseflow import create_app
from tests.endpoint_walk_helpers import PUBLIC_ENDPOINTS


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    return create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance}/x.db"},
                      testing=True)


def _views(app):
    for rule in app.url_map.iter_rules():
        yield rule, app.view_functions[rule.endpoint]


def test_every_endpoint_is_public_or_declares_a_permission(bare_app):
    undeclared = [rule.endpoint for rule, view in _views(bare_app)
                  if rule.endpoint != "static"
                  and not getattr(view, "caseflow_public", False)
                  and not getattr(view, "caseflow_permission", None)]
    assert undeclared == []


def test_public_endpoints_are_exactly_the_expected_ones(bare_app):
    public = {rule.endpoint for rule, view in _views(bare_app)
              if rule.endpoint == "static" or getattr(view, "caseflow_public", False)}
    assert public == PUBLIC_ENDPOINTS


def _fill(rule) -> str:
    values = {arg: ("x" * 8 if arg == "token" else 1) for arg in rule.arguments}
    if rule.endpoint == "static":
        values["filename"] = "css/app.css"
    return rule.build(values)[1]


def test_anonymous_requests_never_reach_a_protected_view(app, client):
    for rule, _view in _views(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, (rule.endpoint, method, response.status_code)
                assert response.headers["Location"].startswith("/sign-in")
            else:
                assert response.status_code == 401, (rule.endpoint, method, response.status_code)
