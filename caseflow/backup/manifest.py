"""The backup manifest: what was backed up, the facts to verify a restore against, file digests."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

FORMAT = "caseflow-backup/1"
MANIFEST = "manifest.json"
KEYS_FILE = "keys.sealed"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """A backup cannot be made, restored or verified; the message says why."""


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def core_digest(manifest: dict) -> str:
    """SHA-256 of the manifest without its file list (sealed with the keys, so it cannot be changed)."""
    core = {name: value for name, value in manifest.items() if name != "files"}
    return hashlib.sha256(json.dumps(core, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def describe_file(path: Path) -> dict:
    """The manifest's entry for a file of the backup."""
    return {"sha256": file_digest(path), "bytes": path.stat().st_size}


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write manifest.json into the backup folder."""
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def read_manifest(folder: Path) -> dict:
    """Read and sanity-check a backup folder's manifest."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} not found: not a caseflow backup folder")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON: the backup is damaged") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has format {manifest.get('format')!r}, expected {FORMAT!r}")
    if manifest.get("backend") not in DATABASE_FILES:
        raise BackupError(f"{path} names an unknown backend {manifest.get('backend')!r}")
    return manifest


def check_files(folder: Path, manifest: dict) -> None:
    """Refuse a backup whose files are missing or differ from the manifest's digests."""
    expected = {DATABASE_FILES[manifest["backend"]], KEYS_FILE}
    listed = set(manifest.get("files") or {})
    if listed != expected:
        raise BackupError(f"the manifest lists {sorted(listed)}, expected {sorted(expected)}")
    for name, entry in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        actual = file_digest(path)
        if actual != entry.get("sha256"):
            raise BackupError(f"{name} does not match the manifest (sha256 {actual[:16]}…, expected "
                              f"{str(entry.get('sha256'))[:16]}…): the backup is damaged or was altered")
