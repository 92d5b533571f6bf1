"""No plaintext at rest: personal codes and TOTP secrets never reach the database unencrypted,
not even through the audit trail of a data-protection officer looking a pupil up by code."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from caseflow.extensions import db

CODE = "170513-21234"
UNKNOWN_CODE = "010101-10000"


def _forbidden(secret: str) -> list[bytes]:
    """Every form in which a leaked value could show up in the bytes we read."""
    values = {CODE, CODE.replace("-", ""), UNKNOWN_CODE, UNKNOWN_CODE.replace("-", ""), secret, secret.lower()}
    forms: list[bytes] = []
    for value in values:
        forms += [value.encode(), value.encode().hex().encode()]  # raw, and as pg_dump writes bytea
    return forms


def _fill(app, client, factory):
    """A pupil with a known code, a user with a TOTP secret, and an officer looking the code up."""
    school = factory.institution()
    pupil = factory.pupil(school.id, first_name="Marta", last_name="Kalniņa", code=CODE)
    user = factory.user("social_pedagogue", school.id)
    officer = factory.user("dpo", school.id)
    factory.login(client, officer)
    found = client.post("/audit/pupil", data={"personal_code": CODE})
    assert found.status_code == 303
    assert client.get(found.headers["Location"]).status_code == 200
    assert client.post("/audit/pupil", data={"personal_code": UNKNOWN_CODE.replace("-", "")}).status_code == 200
    return pupil, user


def _database_bytes_sqlite(app) -> bytes:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        path = Path(db.engine.url.database)
    files = sorted(path.parent.glob(path.name + "*"))  # the database, its WAL and shared memory
    assert path in files
    return b"".join(f.read_bytes() for f in files)


def _database_bytes_postgresql(app) -> bytes:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://", 1)
    done = subprocess.run([pg_dump, "--data-only", "--no-owner", "--dbname", url],
                          capture_output=True, timeout=60, check=False)
    if done.returncode != 0 and b"server version mismatch" in done.stderr:
        pytest.skip("pg_dump is older than the server")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def test_no_personal_code_or_totp_secret_in_the_stored_bytes(backend, app, client, factory):
    pupil, user = _fill(app, client, factory)
    stored = _database_bytes_sqlite(app) if backend == "sqlite" else _database_bytes_postgresql(app)

    # the bytes really are the data: unencrypted fields are there
    assert "Kalniņa".encode() in stored
    assert user.username.encode() in stored
    assert b"audit.pupil_report" in stored
    assert [leaked for leaked in _forbidden(user.totp_secret) if leaked in stored] == []
