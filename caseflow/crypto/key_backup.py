"""The key material a database backup needs, sealed with a passphrase, and its way back to a key file."""
from __future__ import annotations

import base64
import json
from pathlib import Path

from caseflow.crypto.keyring import KeyError_, _write_key_file, keyring, parse_key_document
from caseflow.crypto.sealed_file import open_bytes, seal_bytes

PURPOSE = "caseflow backup keys"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def key_document_for(versions: set[int]) -> dict:
    """A key document with the running master keys of these versions plus the active one,
    the blind-index key and the audit key; refuses when a needed version is not loaded."""
    ring = keyring()
    missing = sorted(set(versions) - set(ring.master_keys))
    if missing:
        raise KeyError_(f"master key version(s) {missing} wrap data keys but are not loaded")
    wanted = set(versions) | {ring.active_version}
    return {"master_keys": {str(v): _b64(ring.master_keys[v]) for v in sorted(wanted)},
            "blind_index_key": _b64(ring.blind_index_key), "audit_key": _b64(ring.audit_key)}


def seal_backup_keys(key_document: dict, passphrase: str, *, bindings: dict) -> bytes:
    """Seal the key document together with bindings (digests of the backup's other files)."""
    payload = {"keys": key_document, "bindings": bindings}
    return seal_bytes(json.dumps(payload, sort_keys=True).encode(), passphrase, purpose=PURPOSE)


def open_backup_keys(blob: bytes, passphrase: str) -> tuple[dict, dict]:
    """Open sealed backup keys; returns (key document, bindings). Raises SealError or KeyError_."""
    payload = json.loads(open_bytes(blob, passphrase, purpose=PURPOSE))
    parse_key_document(payload["keys"])  # a sealed but malformed document is refused here
    return payload["keys"], payload["bindings"]


def write_key_document(path: Path, key_document: dict) -> None:
    """Write a key file (mode 0600) for the restored installation; never replaces an existing file."""
    parse_key_document(key_document)
    if path.exists():
        raise KeyError_(f"{path} exists already: choose a new path for the restored keys")
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_key_file(path, key_document)
