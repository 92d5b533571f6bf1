"""Master keys, blind-index key and audit key: loaded from a key file or the environment."""
from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

log = logging.getLogger(__name__)
KEY_BYTES = 32


class KeyError_(RuntimeError):
    """Raised when keys are missing or malformed; the app refuses to start."""


@dataclass(frozen=True)
class Keyring:
    """The key material caseflow runs with."""

    master_keys: dict[int, bytes]
    blind_index_key: bytes
    audit_key: bytes

    @property
    def active_version(self) -> int:
        """The newest master key version: new data keys are wrapped with it."""
        return max(self.master_keys)


def _b64(value: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise KeyError_(f"{what} is not valid base64") from exc
    if len(raw) != KEY_BYTES:
        raise KeyError_(f"{what} must be {KEY_BYTES} bytes")
    return raw


def parse_key_document(doc: dict) -> Keyring:
    """Build a Keyring from the key-file structure."""
    masters = doc.get("master_keys") or {}
    if not masters:
        raise KeyError_("no master keys")
    return Keyring(
        master_keys={int(v): _b64(k, f"master key {v}") for v, k in masters.items()},
        blind_index_key=_b64(doc.get("blind_index_key", ""), "blind index key"),
        audit_key=_b64(doc.get("audit_key", ""), "audit key"),
    )


def new_key() -> str:
    """Return a fresh random 256-bit key, base64-encoded."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def new_key_document() -> dict:
    """Return a fresh key document with master key version 1."""
    return {"master_keys": {"1": new_key()}, "blind_index_key": new_key(), "audit_key": new_key()}


def _from_environment() -> dict | None:
    masters = os.environ.get("CASEFLOW_MASTER_KEYS", "").strip()
    if not masters:
        return None
    pairs = dict(item.split(":", 1) for item in masters.split(",") if item.strip())
    return {
        "master_keys": pairs,
        "blind_index_key": os.environ.get("CASEFLOW_BLIND_INDEX_KEY", ""),
        "audit_key": os.environ.get("CASEFLOW_AUDIT_KEY", ""),
    }


def key_file_path(app: Flask) -> Path:
    """The key file in use: KEY_FILE from config, or instance/keys.json in demo and test mode."""
    return Path(app.config.get("KEY_FILE") or Path(app.instance_path) / "keys.json")


def load_keyring(app: Flask) -> Keyring:
    """Load keys; demo and testing may create a local key file, production never does."""
    doc = _from_environment()
    if doc is None:
        path = key_file_path(app)
        if not path.exists():
            if app.config["ENV_MODE"] == "production":
                raise KeyError_(f"key file {path} not found")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(new_key_document(), indent=2))
            path.chmod(0o600)
            log.warning("DEMO MODE: created local encryption keys at %s — never use them in production", path)
        doc = json.loads(path.read_text())
    return parse_key_document(doc)


def add_master_key(app: Flask) -> int:
    """Append a new master key version to the key file and return its version."""
    path = key_file_path(app)
    doc = json.loads(path.read_text())
    version = max(int(v) for v in doc["master_keys"]) + 1
    doc["master_keys"][str(version)] = new_key()
    path.write_text(json.dumps(doc, indent=2))
    app.extensions["caseflow.keyring"] = parse_key_document(doc)
    return version


def keyring() -> Keyring:
    """The running application's keyring."""
    return current_app.extensions["caseflow.keyring"]
