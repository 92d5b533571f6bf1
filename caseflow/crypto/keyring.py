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
    pairs = {}
    for item in (part.strip() for part in masters.split(",")):
        version, sep, key = item.partition(":")
        if not item:
            continue
        if not sep or not version.strip().isdigit():
            raise KeyError_("CASEFLOW_MASTER_KEYS must look like 1:<base64>,2:<base64>")
        pairs[version.strip()] = key.strip()
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
            _write_key_file(path, new_key_document())
            log.warning("DEMO MODE: created local encryption keys at %s — never use them in production", path)
        doc = json.loads(path.read_text())
    return parse_key_document(doc)


def _write_key_file(path: Path, doc: dict) -> None:
    """Write a key file readable only by its owner, atomically: a crash never leaves it half written."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(doc, indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def add_master_key(app: Flask) -> int:
    """Append a new master key version to the key file and return its version."""
    if _from_environment() is not None:
        # Writing a file the running keyring does not come from would swap every key at once.
        raise KeyError_("the keys come from CASEFLOW_MASTER_KEYS: add the new version there by hand")
    path = key_file_path(app)
    doc = json.loads(path.read_text())
    version = max(int(v) for v in doc["master_keys"]) + 1
    doc["master_keys"][str(version)] = new_key()
    _write_key_file(path, doc)
    app.extensions["caseflow.keyring"] = parse_key_document(doc)
    return version


def keyring() -> Keyring:
    """The running application's keyring."""
    return current_app.extensions["caseflow.keyring"]
