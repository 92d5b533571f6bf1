"""Backups: `flask backup create`, the installation destroyed, `flask backup restore` into a scratch
database and `flask backup verify` there — on SQLite and PostgreSQL, also after a key rotation."""
from __future__ import annotations

import json
import os
import stat
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from alembic import command
from sqlalchemy import select, text

from caseflow import create_app
from caseflow.audit import services as audit
from caseflow.backup.manifest import DATABASE_FILES, KEYS_FILE, MANIFEST
from caseflow.core.migrate import alembic_config
from caseflow.crypto import rotation, seal, unseal
from caseflow.crypto.key_backup import open_backup_keys
from caseflow.crypto.keyring import add_master_key, key_file_path, parse_key_document
from caseflow.extensions import db
from tests.conftest import PG_ADMIN_URL, _pg_available, _truncate

PASSPHRASE = "kalnā kāpj saule, lejā iet migla"
NOTE_TEXT = "Sarunā ar māti noskaidrots, ka zēns naktīs strādā."


@pytest.fixture
def cheap_kdf(monkeypatch):
    """A cheaper scrypt cost for the tests about other things (the cost is recorded in each sealed file;
    the main restore test keeps the real one)."""
    from caseflow.crypto import sealed_file

    monkeypatch.setattr(sealed_file, "SCRYPT_N", 2**14)


@pytest.fixture
def passphrase_file(tmp_path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def scratch_url(backend, tmp_path):
    """URL of a new, empty database to restore into (PostgreSQL: created here and dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'caseflow.db'}"
        return
    problem = _pg_available()
    if problem:
        pytest.skip(problem)
    name = f"caseflow_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def records(app, factory):
    """A migrated installation (stamped at the head) with a pupil, a case with a note and audit entries."""
    with app.app_context(), db.engine.begin() as conn:
        command.stamp(alembic_config(conn), "head")
    municipality = factory.municipality()
    school = factory.institution(municipality.id)
    user = factory.user("social_pedagogue", school.id)
    pupil = factory.pupil(school.id)
    case = factory.case(pupil.id, school.id, user.id, summary="Kavē stundas kopš oktobra.")
    with app.app_context():
        from caseflow.cases.models import Note

        note = Note(case_id=case.id, author_id=user.id, author_institution_id=school.id)
        seal(note, "body", NOTE_TEXT, scope=f"pupil:{pupil.id}")
        note.root_id = note.id
        for action in ("pupil.read", "case.read", "note.create"):
            audit.record(action, object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id, user=user)
        db.session.commit()
        note_id = note.id
    yield SimpleNamespace(pupil=pupil, case=case, note_id=note_id)
    with app.app_context(), db.engine.begin() as conn:  # the shared PostgreSQL database outlives the test
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _create(runner, folder: Path, passphrase_file: Path):
    return runner.invoke(args=["backup", "create", "--to", str(folder),
                               "--passphrase-file", str(passphrase_file)])


def _restore(runner, folder: Path, into: str, keys_out: Path, passphrase_file: Path):
    return runner.invoke(args=["backup", "restore", "--from", str(folder), "--into", into,
                               "--keys-out", str(keys_out), "--passphrase-file", str(passphrase_file)])


def _destroy(app, backend: str) -> None:
    """Lose the database and the key file, as a disk failure would."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if backend == "sqlite":
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            path.unlink(missing_ok=True)
    else:
        _truncate(app)
    key_file_path(app).unlink()


@contextmanager
def _restored(url: str, keys_file: Path, tmp_path: Path):
    """An installation started on the restored database with the restored keys only."""
    restored = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "restored-instance"),
                           "KEY_FILE": str(keys_file), "SMTP_PORT": 1}, testing=True)
    try:
        yield restored
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def _verify(restored, folder: Path):
    return restored.test_cli_runner().invoke(args=["backup", "verify", "--from", str(folder)])


def _tables_in(url: str) -> int:
    """How many tables a restore target holds."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if not os.path.exists(path):
            return 0
        import sqlite3

        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]


def _backed_up_and_restored(app, runner, backend, records, tmp_path, scratch_url, passphrase_file):
    folder, keys_out = tmp_path / "backup", tmp_path / "restored-keys.json"
    result = _create(runner, folder, passphrase_file)
    assert result.exit_code == 0, result.output
    _destroy(app, backend)
    result = _restore(runner, folder, scratch_url, keys_out, passphrase_file)
    assert result.exit_code == 0, result.output
    return folder, keys_out


def test_a_backup_restores_into_a_scratch_database_and_verifies(app, runner, backend, records, tmp_path,
                                                                scratch_url, passphrase_file):
    folder, keys_out = _backed_up_and_restored(app, runner, backend, records, tmp_path, scratch_url,
                                               passphrase_file)

    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["backend"] == backend
    assert manifest["row_counts"]["notes"] == 1 and manifest["row_counts"]["pupils"] == 1
    assert manifest["audit"]["last_seq"] == 3
    assert manifest["master_key_versions"] == [1]
    assert sorted(os.listdir(folder)) == sorted([DATABASE_FILES[backend], KEYS_FILE, MANIFEST])
    assert PASSPHRASE not in (folder / KEYS_FILE).read_text()
    assert stat.S_IMODE(keys_out.stat().st_mode) == 0o600
    assert sorted(json.loads(keys_out.read_text())["master_keys"]) == ["1"]

    with _restored(scratch_url, keys_out, tmp_path) as restored:
        result = _verify(restored, folder)
        assert result.exit_code == 0, result.output
        assert "ok: migrations: database at the code's head" in result.output
        assert "ok: audit chain: 3 entries verified; last entry 3 matches the backup" in result.output
        assert "ok: decryption:" in result.output
        assert result.output.rstrip().endswith("restore verified")
        with restored.app_context():
            from caseflow.cases.models import Note
            from caseflow.pupils.models import Pupil

            assert unseal(db.session.get(Note, records.note_id), "body") == NOTE_TEXT
            pupil = db.session.get(Pupil, records.pupil.id)
            assert unseal(pupil, "personal_code") == records.pupil.personal_code


@pytest.mark.usefixtures("cheap_kdf")
def test_verify_names_each_thing_that_does_not_match(app, runner, backend, records, tmp_path, scratch_url,
                                                     passphrase_file):
    folder, keys_out = _backed_up_and_restored(app, runner, backend, records, tmp_path, scratch_url,
                                               passphrase_file)
    with _restored(scratch_url, keys_out, tmp_path) as restored:
        with restored.app_context(), db.engine.begin() as conn:
            if backend == "postgresql":  # as a superuser would: past the append-only triggers
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("UPDATE audit_log SET detail = '{\"forged\": 1}' WHERE seq = 2"))
            conn.execute(text("UPDATE alembic_version SET version_num = 'not_a_revision'"))
        with restored.app_context():
            from caseflow.people.models import Municipality

            db.session.add(Municipality(name="Viltus", code="x1"))
            db.session.commit()
        result = _verify(restored, folder)
    assert result.exit_code == 1
    assert "FAILED: migrations: database at not_a_revision, the code's head is" in result.output
    assert "FAILED: row counts: municipalities: 2 rows, backup had 1" in result.output
    assert "FAILED: audit chain: entry 2 was altered" in result.output
    assert "RESTORE VERIFICATION FAILED: migrations, row counts, audit chain" in result.output


@pytest.mark.usefixtures("cheap_kdf")
def test_a_damaged_or_replaced_dump_is_refused_before_anything_is_restored(app, runner, backend, records,
                                                                            tmp_path, scratch_url,
                                                                            passphrase_file):
    folder, keys_out = tmp_path / "backup", tmp_path / "keys.json"
    assert _create(runner, folder, passphrase_file).exit_code == 0
    dump = folder / DATABASE_FILES[backend]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    result = _restore(runner, folder, scratch_url, keys_out, passphrase_file)
    assert result.exit_code == 1
    assert f"{dump.name} does not match the manifest" in result.output
    assert "the backup is damaged or was altered" in result.output

    # an attacker who also rewrites the manifest's digest is caught by the digest sealed with the keys
    from caseflow.backup.manifest import describe_file

    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][dump.name] = describe_file(dump)
    (folder / MANIFEST).write_text(json.dumps(manifest))
    result = _restore(runner, folder, scratch_url, keys_out, passphrase_file)
    assert result.exit_code == 1
    assert f"{dump.name} was replaced after the backup was made" in result.output

    assert _tables_in(scratch_url) == 0
    assert not keys_out.exists()


@pytest.mark.one_backend
@pytest.mark.usefixtures("cheap_kdf")
def test_a_wrong_passphrase_is_a_clear_error(runner, records, tmp_path, scratch_url, passphrase_file):
    folder, keys_out = tmp_path / "backup", tmp_path / "keys.json"
    assert _create(runner, folder, passphrase_file).exit_code == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("a different long passphrase")
    result = _restore(runner, folder, scratch_url, keys_out, wrong)
    assert result.exit_code == 1
    assert "cannot open keys.sealed: wrong passphrase, or the sealed file was altered" in result.output
    assert _tables_in(scratch_url) == 0
    assert not keys_out.exists()


@pytest.mark.one_backend
@pytest.mark.usefixtures("cheap_kdf")
def test_an_empty_or_short_passphrase_is_refused(runner, records, tmp_path, monkeypatch):
    monkeypatch.delenv("CASEFLOW_BACKUP_PASSPHRASE", raising=False)
    result = runner.invoke(args=["backup", "create", "--to", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "--passphrase-file or CASEFLOW_BACKUP_PASSPHRASE" in result.output

    result = runner.invoke(args=["backup", "create", "--to", str(tmp_path / "short")],
                           env={"CASEFLOW_BACKUP_PASSPHRASE": "parole123"})
    assert result.exit_code == 1
    assert "the passphrase must be at least 16 characters long" in result.output
    assert not (tmp_path / "short").exists()

    result = runner.invoke(args=["backup", "create", "--to", str(tmp_path / "ok")],
                           env={"CASEFLOW_BACKUP_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ok" / MANIFEST).is_file()


@pytest.mark.usefixtures("cheap_kdf")
def test_restore_refuses_the_live_database_and_any_database_that_is_not_empty(app, runner, records, tmp_path,
                                                                             scratch_url, passphrase_file):
    folder = tmp_path / "backup"
    assert _create(runner, folder, passphrase_file).exit_code == 0
    live = app.config["SQLALCHEMY_DATABASE_URI"]
    result = _restore(runner, folder, live, tmp_path / "k1.json", passphrase_file)
    assert result.exit_code == 1
    assert "refusing to restore into the database this installation runs on" in result.output

    assert _restore(runner, folder, scratch_url, tmp_path / "k2.json", passphrase_file).exit_code == 0
    result = _restore(runner, folder, scratch_url, tmp_path / "k3.json", passphrase_file)
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert not (tmp_path / "k3.json").exists()


@pytest.mark.usefixtures("cheap_kdf")
def test_a_backup_taken_before_a_key_rotation_still_restores(app, runner, backend, records, tmp_path,
                                                             scratch_url, passphrase_file):
    before = tmp_path / "before-rotation"
    assert _create(runner, before, passphrase_file).exit_code == 0

    # rotate: a new master key version, every data key re-wrapped, the old version removed
    assert add_master_key(app) == 2
    with app.app_context():
        rotation.rotate()
    path = key_file_path(app)
    document = json.loads(path.read_text())
    del document["master_keys"]["1"]
    path.write_text(json.dumps(document))
    app.extensions["caseflow.keyring"] = parse_key_document(document)

    # a backup taken now carries only the version still in use
    after = tmp_path / "after-rotation"
    result = _create(runner, after, passphrase_file)
    assert result.exit_code == 0, result.output
    with app.app_context():
        keys, _bindings = open_backup_keys((after / KEYS_FILE).read_bytes(), PASSPHRASE)
    assert sorted(keys["master_keys"]) == ["2"]

    _destroy(app, backend)
    keys_out = tmp_path / "old-keys.json"
    result = _restore(runner, before, scratch_url, keys_out, passphrase_file)
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(keys_out.read_text())["master_keys"]) == ["1"]
    with _restored(scratch_url, keys_out, tmp_path) as restored:
        result = _verify(restored, before)
        assert result.exit_code == 0, result.output
        with restored.app_context():
            from caseflow.cases.models import Note
            from caseflow.crypto.models import DataKey

            assert set(db.session.scalars(select(DataKey.master_version))) == {1}
            assert unseal(db.session.get(Note, records.note_id), "body") == NOTE_TEXT


@pytest.mark.one_backend
@pytest.mark.usefixtures("cheap_kdf")
def test_a_backup_is_refused_when_a_master_key_it_needs_is_not_loaded(app, runner, records, tmp_path,
                                                                     passphrase_file):
    add_master_key(app)
    document = json.loads(key_file_path(app).read_text())
    del document["master_keys"]["1"]  # dropped before rotating: the data keys still need version 1
    app.extensions["caseflow.keyring"] = parse_key_document(document)
    folder = tmp_path / "backup"
    result = _create(runner, folder, passphrase_file)
    assert result.exit_code == 1
    assert "master key version(s) [1] wrap data keys but are not loaded" in result.output
    assert list(folder.iterdir()) == []
