"""Configuration fails closed: production needs real keys and a real secret; demo mode makes local
keys and says so; keys may come from the environment."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat

import pytest

from caseflow import create_app
from caseflow.config import ConfigError
from caseflow.crypto import blind_index, mac
from caseflow.crypto.keyring import KeyError_, new_key_document

GOOD_SECRET = secrets.token_urlsafe(48)
KEY_VARIABLES = ("CASEFLOW_MASTER_KEYS", "CASEFLOW_BLIND_INDEX_KEY", "CASEFLOW_AUDIT_KEY",
                 "CASEFLOW_SECRET_KEY", "CASEFLOW_KEY_FILE", "CASEFLOW_ENV_MODE", "CASEFLOW_CONFIG")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def start(tmp_path):
    """Start the application with overrides, its instance folder and database in tmp_path."""
    instance = tmp_path / "instance"

    def start_app(**overrides):
        settings = {"INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
        if overrides.get("ENV_MODE") == "production":  # production refuses per-process rate-limit counters
            settings["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
        settings.update(overrides)
        return create_app(settings, testing=True)

    start_app.instance = instance
    return start_app


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "secrets" / "keys.json"
    path.parent.mkdir()
    path.write_text(json.dumps(new_key_document()))
    path.chmod(0o600)
    return path


def _b64_key() -> tuple[bytes, str]:
    raw = secrets.token_bytes(32)
    return raw, base64.b64encode(raw).decode()


# --- production ----------------------------------------------------------------------------------

def test_production_refuses_to_start_without_keys(start):
    with pytest.raises(ConfigError, match="encryption keys"):
        start(ENV_MODE="production", SECRET_KEY=GOOD_SECRET)
    assert not (start.instance / "keys.json").exists(), "no key is made up in production"


def test_production_refuses_a_key_file_that_is_not_there(start, tmp_path):
    missing = tmp_path / "nowhere" / "keys.json"
    with pytest.raises(KeyError_, match="not found"):
        start(ENV_MODE="production", SECRET_KEY=GOOD_SECRET, KEY_FILE=str(missing))
    assert not missing.exists()


@pytest.mark.parametrize("secret_key", [None, "", "dev", "change-me", "secret", "x" * 31,
                                        "k3Jq9-vX2mPz_Lw7RtY0aB"], ids=lambda v: repr(v)[:12])
def test_production_refuses_a_missing_default_or_short_secret_key(start, key_file, secret_key):
    overrides = {"ENV_MODE": "production", "KEY_FILE": str(key_file)}
    if secret_key is not None:
        overrides["SECRET_KEY"] = secret_key
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        start(**overrides)
    assert not (start.instance / "secret_key").exists(), "no secret is made up in production"


def test_production_starts_with_a_key_file_and_a_strong_secret(start, key_file):
    app = start(ENV_MODE="production", SECRET_KEY=GOOD_SECRET, KEY_FILE=str(key_file))
    assert app.config["ENV_MODE"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.testing
    doc = json.loads(key_file.read_text())
    ring = app.extensions["caseflow.keyring"]
    assert ring.master_keys == {1: base64.b64decode(doc["master_keys"]["1"])}
    assert not (start.instance / "keys.json").exists()


def test_production_takes_the_secret_key_from_the_environment(start, key_file, monkeypatch):
    monkeypatch.setenv("CASEFLOW_SECRET_KEY", GOOD_SECRET)
    app = start(ENV_MODE="production", KEY_FILE=str(key_file))
    assert app.config["SECRET_KEY"] == GOOD_SECRET


# --- demo mode -----------------------------------------------------------------------------------

def test_demo_mode_creates_private_instance_keys_and_warns(start, caplog):
    caplog.set_level(logging.WARNING, logger="caseflow")
    app = start(ENV_MODE="demo")
    keys = start.instance / "keys.json"
    assert keys.exists() and (start.instance / "secret_key").exists()
    for path in (keys, start.instance / "secret_key"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "DEMO MODE" in r.getMessage()]
    assert len(warnings) == 1 and str(keys) in warnings[0].getMessage()
    assert "never use them in production" in warnings[0].getMessage()
    doc = json.loads(keys.read_text())
    assert app.extensions["caseflow.keyring"].master_keys[1] == base64.b64decode(doc["master_keys"]["1"])
    assert len(app.config["SECRET_KEY"]) >= 32


def test_demo_mode_keeps_its_keys_across_restarts(start, caplog):
    first = start(ENV_MODE="demo")
    keys_before = (start.instance / "keys.json").read_text()
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="caseflow")
    second = start(ENV_MODE="demo")
    assert (start.instance / "keys.json").read_text() == keys_before
    assert second.extensions["caseflow.keyring"] == first.extensions["caseflow.keyring"]
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert not [r for r in caplog.records if "DEMO MODE" in r.getMessage()]


def test_an_unknown_mode_is_refused(start):
    with pytest.raises(ConfigError, match="ENV_MODE"):
        start(ENV_MODE="staging")


# --- keys from the environment -------------------------------------------------------------------

def test_keys_from_the_environment_are_used(start, monkeypatch):
    master, master_b64 = _b64_key()
    index_key, index_b64 = _b64_key()
    audit_key, audit_b64 = _b64_key()
    monkeypatch.setenv("CASEFLOW_MASTER_KEYS", f"1:{master_b64}")
    monkeypatch.setenv("CASEFLOW_BLIND_INDEX_KEY", index_b64)
    monkeypatch.setenv("CASEFLOW_AUDIT_KEY", audit_b64)

    app = start()

    ring = app.extensions["caseflow.keyring"]
    assert ring.master_keys == {1: master} and ring.active_version == 1
    assert (ring.blind_index_key, ring.audit_key) == (index_key, audit_key)
    assert not (start.instance / "keys.json").exists(), "no local key file when the environment has keys"
    with app.app_context():
        expected = hmac.new(index_key, b"personal_code:01020312345", hashlib.sha256).hexdigest()
        assert blind_index("010203-12345", purpose="personal_code") == expected
        assert mac(b"entry") == hmac.new(audit_key, b"entry", hashlib.sha256).hexdigest()


def test_several_master_key_versions_from_the_environment(start, monkeypatch):
    old, old_b64 = _b64_key()
    new, new_b64 = _b64_key()
    monkeypatch.setenv("CASEFLOW_MASTER_KEYS", f"1:{old_b64}, 2:{new_b64}")
    monkeypatch.setenv("CASEFLOW_BLIND_INDEX_KEY", _b64_key()[1])
    monkeypatch.setenv("CASEFLOW_AUDIT_KEY", _b64_key()[1])
    ring = start().extensions["caseflow.keyring"]
    assert ring.master_keys == {1: old, 2: new}
    assert ring.active_version == 2


def test_production_starts_with_keys_from_the_environment(start, monkeypatch):
    monkeypatch.setenv("CASEFLOW_MASTER_KEYS", f"1:{_b64_key()[1]}")
    monkeypatch.setenv("CASEFLOW_BLIND_INDEX_KEY", _b64_key()[1])
    monkeypatch.setenv("CASEFLOW_AUDIT_KEY", _b64_key()[1])
    app = start(ENV_MODE="production", SECRET_KEY=GOOD_SECRET)
    assert app.extensions["caseflow.keyring"].active_version == 1
    assert not (start.instance / "keys.json").exists()


@pytest.mark.parametrize(("masters", "index_key", "message"), [
    ("1:" + base64.b64encode(b"too short").decode(), "ok", "master key 1 must be 32 bytes"),
    ("1:not base64!", "ok", "not valid base64"),
    ("just-a-key", "ok", "must look like 1:<base64>"),
    ("one:" + base64.b64encode(bytes(32)).decode(), "ok", "must look like 1:<base64>"),
    ("1:" + base64.b64encode(bytes(32)).decode(), "", "blind index key must be 32 bytes"),
])
def test_malformed_keys_in_the_environment_stop_the_start(start, monkeypatch, masters, index_key, message):
    monkeypatch.setenv("CASEFLOW_MASTER_KEYS", masters)
    monkeypatch.setenv("CASEFLOW_BLIND_INDEX_KEY", _b64_key()[1] if index_key else "")
    monkeypatch.setenv("CASEFLOW_AUDIT_KEY", _b64_key()[1])
    with pytest.raises(KeyError_, match=message):
        start()


def test_postgresql_connections_do_not_jit_compile_short_queries(app, backend):
    if backend != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    from sqlalchemy import text

    from caseflow.extensions import db

    with app.app_context():
        assert db.session.scalar(text("SHOW jit")) == "off"
