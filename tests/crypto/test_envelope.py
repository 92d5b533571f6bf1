"""Envelope encryption: round trip, binding to table/row/field, tampering, crypto-shredding, blind index."""
from __future__ import annotations

import struct

import pytest

from caseflow import create_app
from caseflow.crypto import (
    DecryptionError,
    KeyDestroyed,
    blind_index,
    decrypt,
    encrypt,
    seal,
    shred,
    unseal,
)
from caseflow.crypto.models import DataKey
from caseflow.extensions import db
from caseflow.people.models import User
from caseflow.pupils.models import Pupil


def test_sealed_value_round_trips_in_a_new_session(app, factory):
    pupil = factory.pupil(code="150612-21234")
    with app.app_context():
        row = db.session.get(Pupil, pupil.id)
        assert row.personal_code_enc is not None
        assert b"150612" not in row.personal_code_enc
        assert unseal(row, "personal_code") == "150612-21234"


def test_encrypt_and_decrypt_round_trip_unicode(app):
    with app.app_context():
        text = "Bērns stāsta: «mājās ir grūti» — 😟"
        blob = encrypt(text, scope="case:1", table="notes", row_id=7, field="body")
        assert decrypt(blob, table="notes", row_id=7, field="body") == text
        assert encrypt(text, scope="case:1", table="notes", row_id=7, field="body") != blob, "fresh nonce"
        db.session.commit()
    with app.app_context():
        assert decrypt(blob, table="notes", row_id=7, field="body") == text


def test_each_scope_has_its_own_wrapped_data_key(app, factory):
    first, second = factory.pupil(), factory.pupil()
    with app.app_context():
        keys = {k.scope: k for k in db.session.scalars(db.select(DataKey))}
        assert {f"pupil:{first.id}", f"pupil:{second.id}"} <= set(keys)
        a, b = keys[f"pupil:{first.id}"], keys[f"pupil:{second.id}"]
        assert a.wrapped != b.wrapped and len(a.wrapped) == 12 + 32 + 16
        blob = db.session.get(Pupil, first.id).personal_code_enc
        assert struct.unpack(">Q", blob[3:11])[0] == a.id


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(app, factory):
    first, second = factory.pupil(), factory.pupil()
    with app.app_context():
        a, b = db.session.get(Pupil, first.id), db.session.get(Pupil, second.id)
        b.personal_code_enc = a.personal_code_enc
        with pytest.raises(DecryptionError):
            unseal(b, "personal_code")
        assert unseal(a, "personal_code") == first.personal_code


def test_a_ciphertext_moved_to_another_field_or_table_does_not_decrypt(app, factory):
    pupil = factory.pupil()
    with app.app_context():
        blob = db.session.get(Pupil, pupil.id).personal_code_enc
        with pytest.raises(DecryptionError):
            decrypt(blob, table="pupils", row_id=pupil.id, field="first_name")
        with pytest.raises(DecryptionError):
            decrypt(blob, table="notes", row_id=pupil.id, field="personal_code")
        user = factory.user()
        account = db.session.get(User, user.id)
        account.totp_secret_enc = blob
        with pytest.raises(DecryptionError):
            unseal(account, "totp_secret")


@pytest.mark.parametrize("where", ["magic", "key id", "nonce", "body", "tag", "truncated", "empty"])
def test_a_tampered_ciphertext_does_not_decrypt(where, app):
    with app.app_context():
        blob = bytearray(encrypt("010203-12345", scope="pupil:9", table="pupils", row_id=9,
                                 field="personal_code"))
        if where == "truncated":
            blob = blob[:20]
        elif where == "empty":
            blob = bytearray()
        else:
            position = {"magic": 0, "key id": 10, "nonce": 12, "body": 24, "tag": len(blob) - 1}[where]
            blob[position] ^= 0x01
        with pytest.raises(DecryptionError):
            decrypt(bytes(blob), table="pupils", row_id=9, field="personal_code")


def test_shred_makes_a_scope_unreadable_for_good(app, factory):
    pupil, neighbour = factory.pupil(), factory.pupil()
    with app.app_context():
        assert shred(f"pupil:{pupil.id}") is True
        with pytest.raises(KeyDestroyed):  # at once, in the same session
            unseal(db.session.get(Pupil, pupil.id), "personal_code")
        db.session.commit()
    with app.app_context():
        key = db.session.scalar(db.select(DataKey).where(DataKey.scope == f"pupil:{pupil.id}"))
        assert key.wrapped is None and key.destroyed_at is not None
        with pytest.raises(KeyDestroyed):
            unseal(db.session.get(Pupil, pupil.id), "personal_code")
        with pytest.raises(KeyDestroyed):
            seal(db.session.get(Pupil, pupil.id), "personal_code", "010203-12345", scope=f"pupil:{pupil.id}")
        assert unseal(db.session.get(Pupil, neighbour.id), "personal_code") == neighbour.personal_code
        assert shred(f"pupil:{pupil.id}") is False, "already gone"
        assert shred("pupil:does-not-exist") is False


def test_a_rolled_back_shred_keeps_the_data(app, factory):
    pupil = factory.pupil()
    with app.app_context():
        shred(f"pupil:{pupil.id}")
        db.session.rollback()
        assert unseal(db.session.get(Pupil, pupil.id), "personal_code") == pupil.personal_code


def test_a_data_key_made_in_a_rolled_back_transaction_is_forgotten(app, factory):
    """SQLite reuses the id of a rolled-back row: a cached key must not outlive its transaction."""
    with app.app_context():
        encrypt("draft", scope="case:temporary", table="notes", row_id=1, field="body")
        db.session.rollback()
        pupil = factory.pupil()  # another session commits a key, perhaps under the same id
        assert unseal(db.session.get(Pupil, pupil.id), "personal_code") == pupil.personal_code


# --- blind index (no database needed) ----------------------------------------------------------

def test_blind_index_is_stable_and_keyed(bare_app, tmp_path):
    with bare_app.app_context():
        first = blind_index("010203-12345", purpose="personal_code")
        assert first == blind_index("010203-12345", purpose="personal_code")
        assert len(first) == 64 and "010203" not in first
    other = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/y.db"},
                       testing=True)
    with other.app_context():
        assert blind_index("010203-12345", purpose="personal_code") != first, "another key, another index"


@pytest.mark.parametrize("typed", ["01020312345", "010203 12345", " 010203-12345 ", "010203\u201312345",
                                   "010203\u00a012345", "010203\t12345"])
def test_blind_index_ignores_dashes_and_spaces(bare_app, typed):
    with bare_app.app_context():
        assert blind_index(typed, purpose="personal_code") == blind_index("010203-12345", purpose="personal_code")


def test_blind_index_differs_per_purpose_and_value(bare_app):
    with bare_app.app_context():
        code = blind_index("010203-12345", purpose="personal_code")
        assert blind_index("010203-12345", purpose="phone") != code
        assert blind_index("010203-12346", purpose="personal_code") != code
        assert blind_index("anna", purpose="name") == blind_index("ANNA", purpose="name")
