"""Master key rotation: `flask keys rotate` re-wraps data keys in batches, survives an interruption,
and afterwards the old master key can be dropped."""
from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import func, select

from caseflow.crypto import DecryptionError, rotation, unseal
from caseflow.crypto.envelope import unwrap as real_unwrap
from caseflow.crypto.keyring import KeyError_, add_master_key, key_file_path, parse_key_document
from caseflow.crypto.models import DataKey
from caseflow.extensions import db
from caseflow.pupils.models import Pupil

SCOPES = 30


def _versions(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(DataKey.master_version, func.count())
                                       .group_by(DataKey.master_version)).all())


def _assert_every_value_decrypts(app, pupils) -> None:
    with app.app_context():
        for pupil in pupils:
            assert unseal(db.session.get(Pupil, pupil.id), "personal_code") == pupil.personal_code


def _drop_master_key(app, version: int) -> None:
    path = key_file_path(app)
    doc = json.loads(path.read_text())
    del doc["master_keys"][str(version)]
    path.write_text(json.dumps(doc))
    app.extensions["caseflow.keyring"] = parse_key_document(doc)


@pytest.fixture
def pupils(factory):
    return [factory.pupil() for _ in range(SCOPES)]


def test_rotation_resumes_after_an_interruption_and_the_old_key_can_go(app, app_factory, runner, pupils,
                                                                        monkeypatch):
    assert _versions(app) == {1: SCOPES}
    assert add_master_key(app) == 2

    calls = 0

    def unwrap_until_the_power_fails(key):
        nonlocal calls
        calls += 1
        if calls == 10:
            raise RuntimeError("power failure")
        return real_unwrap(key)

    monkeypatch.setattr(rotation, "unwrap", unwrap_until_the_power_fails)
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "7"])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)

    # the first batch of 7 is committed, the interrupted second batch is not
    assert _versions(app) == {1: SCOPES - 7, 2: 7}
    _assert_every_value_decrypts(app, pupils)
    status = runner.invoke(args=["keys", "status"])
    assert "master key versions loaded: [1, 2]; active: 2" in status.output
    assert f"data keys wrapped by version 1: {SCOPES - 7}" in status.output
    assert "data keys wrapped by version 2: 7" in status.output

    monkeypatch.undo()
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "7"])
    assert result.exit_code == 0, result.output
    assert f"re-wrapped {SCOPES - 7} data keys; all now under version 2" in result.output
    assert _versions(app) == {2: SCOPES}
    with app.app_context():
        assert rotation.pending_count() == 0

    _drop_master_key(app, 1)
    _assert_every_value_decrypts(app, pupils)
    status = runner.invoke(args=["keys", "status"])
    assert "master key versions loaded: [2]; active: 2" in status.output
    assert "version 1" not in status.output

    # a freshly started application reads the trimmed key file and still decrypts everything
    _assert_every_value_decrypts(app_factory(), pupils)


def test_a_second_rotation_finds_nothing_to_do(app, runner, pupils):
    add_master_key(app)
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0
    assert "re-wrapped 0 data keys" in result.output


def test_a_key_under_a_dropped_master_key_does_not_decrypt(app, pupils):
    add_master_key(app)
    _drop_master_key(app, 1)  # dropped before rotating: a mistake the keys keep failing on
    with app.app_context(), pytest.raises(DecryptionError, match="master key version 1 is not loaded"):
        unseal(db.session.get(Pupil, pupils[0].id), "personal_code")


def test_a_shredded_key_is_left_alone_by_rotation(app, runner, factory):
    from caseflow.crypto import shred

    kept, gone = factory.pupil(), factory.pupil()
    with app.app_context():
        shred(f"pupil:{gone.id}")
        db.session.commit()
    add_master_key(app)
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0
    assert "re-wrapped 1 data keys" in result.output
    _assert_every_value_decrypts(app, [kept])


def test_batch_size_must_be_positive(app, runner, pupils):
    add_master_key(app)
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "0"])
    assert result.exit_code == 2
    assert _versions(app) == {1: SCOPES}


def test_status_counts_data_keys_per_master_version(app, runner, factory):
    factory.pupil()
    factory.user()  # its TOTP secret lives under the "system" scope
    result = runner.invoke(args=["keys", "status"])
    assert result.exit_code == 0
    assert result.output.splitlines() == ["master key versions loaded: [1]; active: 1",
                                          "  data keys wrapped by version 1: 2"]


def test_new_master_key_file_stays_private_and_whole(app, runner):
    result = runner.invoke(args=["keys", "new-master"])
    assert result.exit_code == 0
    assert "added master key version 2" in result.output
    path = key_file_path(app)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(json.loads(path.read_text())["master_keys"]) == ["1", "2"]
    assert not list(path.parent.glob(".keys.json.*.tmp"))


def test_new_master_key_is_refused_when_keys_come_from_the_environment(app, monkeypatch):
    with app.app_context():
        ring = app.extensions["caseflow.keyring"]
    import base64

    monkeypatch.setenv("CASEFLOW_MASTER_KEYS", "1:" + base64.b64encode(ring.master_keys[1]).decode())
    with pytest.raises(KeyError_, match="CASEFLOW_MASTER_KEYS"):
        add_master_key(app)
    assert app.extensions["caseflow.keyring"] is ring, "the running keys were not swapped"
