"""Make a backup folder and restore one into an empty database."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import current_app, has_app_context

from caseflow.backup import database
from caseflow.backup.manifest import (
    DATABASE_FILES,
    FORMAT,
    KEYS_FILE,
    MANIFEST,
    BackupError,
    check_files,
    core_digest,
    describe_file,
    read_manifest,
    write_manifest,
)
from caseflow.core.migrate import alembic_config
from caseflow.crypto.key_backup import (
    key_document_for,
    open_backup_keys,
    seal_backup_keys,
    write_key_document,
)
from caseflow.crypto.keyring import KeyError_
from caseflow.crypto.sealed_file import SealError, check_passphrase
from caseflow.db import utcnow


def code_head() -> str:
    """The migration head of the code that is running."""
    from alembic.script import ScriptDirectory

    return ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def _new_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} exists and is not an empty folder: choose a new backup folder")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def create_backup(folder: Path, passphrase: str, *, say: Callable[[str], None] = lambda _: None) -> dict:
    """Write the database, its sealed key material and the manifest into a new folder."""
    try:
        passphrase = check_passphrase(passphrase)
    except SealError as exc:
        raise BackupError(str(exc)) from exc
    url = database.parse_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    backend = url.get_backend_name()
    _new_folder(folder)
    try:
        return _write_backup(folder, backend, url, passphrase, say)
    except BaseException:
        for name in (DATABASE_FILES[backend], KEYS_FILE, MANIFEST):  # never leave half a backup behind
            (folder / name).unlink(missing_ok=True)
        raise


def _write_backup(folder: Path, backend: str, url, passphrase: str, say: Callable[[str], None]) -> dict:
    dump_file = folder / DATABASE_FILES[backend]
    say(f"copying the {backend} database to {dump_file}")
    facts = database.dump(url, dump_file)
    os.chmod(dump_file, 0o600)  # names and dates are not encrypted: keep the copy as private as the database
    if facts["alembic_revision"] != code_head():
        say(f"warning: the database is at migration {facts['alembic_revision']}, the code's head is "
            f"{code_head()}: run `flask db upgrade` (a restore is verified against the head)")
    try:
        keys = key_document_for(set(facts["master_key_versions"]))
    except KeyError_ as exc:
        raise BackupError(f"cannot back up the key material: {exc}") from exc
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "backend": backend,
                "code_head": code_head(), **facts}
    say("sealing the key material with the passphrase")
    bindings = {"manifest": core_digest(manifest), "database": describe_file(dump_file)["sha256"]}
    keys_file = folder / KEYS_FILE
    keys_file.write_bytes(seal_backup_keys(keys, passphrase, bindings=bindings))
    os.chmod(keys_file, 0o600)
    manifest["files"] = {dump_file.name: describe_file(dump_file), KEYS_FILE: describe_file(keys_file)}
    write_manifest(folder, manifest)
    return manifest


def _open_keys(folder: Path, manifest: dict, passphrase: str) -> dict:
    try:
        keys, bindings = open_backup_keys((folder / KEYS_FILE).read_bytes(), passphrase)
    except SealError as exc:
        raise BackupError(f"cannot open {KEYS_FILE}: {exc}") from exc
    except (KeyError_, KeyError, ValueError) as exc:
        raise BackupError(f"{KEYS_FILE} holds no usable key document: {exc}") from exc
    database_file = DATABASE_FILES[manifest["backend"]]
    if bindings.get("manifest") != core_digest(manifest):
        raise BackupError("the manifest was changed after the backup was made (it does not match "
                          f"the digest sealed in {KEYS_FILE})")
    if bindings.get("database") != manifest["files"][database_file]["sha256"]:
        raise BackupError(f"{database_file} was replaced after the backup was made (it does not match "
                          f"the digest sealed in {KEYS_FILE})")
    return keys


def restore_backup(folder: Path, into: str, passphrase: str, keys_out: Path,
                   *, say: Callable[[str], None] = lambda _: None) -> dict:
    """Check a backup, restore its database into an empty one and write its keys to keys_out."""
    manifest = read_manifest(folder)
    say("checking the files against the manifest")
    check_files(folder, manifest)
    keys = _open_keys(folder, manifest, passphrase)
    target = database.parse_url(into)
    if target.get_backend_name() != manifest["backend"]:
        raise BackupError(f"the backup holds a {manifest['backend']} database; {target.get_backend_name()} "
                          "cannot restore it")
    if has_app_context():
        live = database.parse_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
        if database.same_database(target, live):
            raise BackupError("refusing to restore into the database this installation runs on")
    if keys_out.exists():
        raise BackupError(f"{keys_out} exists already: choose a new path for the restored keys")
    database.ensure_empty(target)
    say(f"restoring into {target.render_as_string(hide_password=True)}")
    database.restore(folder / DATABASE_FILES[manifest["backend"]], target)
    try:
        write_key_document(keys_out, keys)
    except KeyError_ as exc:
        raise BackupError(str(exc)) from exc
    say(f"wrote the restored keys to {keys_out} (mode 0600)")
    return manifest
