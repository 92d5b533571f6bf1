"""Seal a small document with a passphrase: an scrypt-derived key and AES-256-GCM."""
from __future__ import annotations

import base64
import json
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "caseflow-sealed/1"
MIN_PASSPHRASE_LENGTH = 16
#: scrypt cost (RFC 7914; N=2^17, r=8, p=1 takes 128 MiB and a fraction of a second)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: the largest cost accepted when opening, so a crafted file cannot exhaust memory
MAX_SCRYPT_N = 2**20
SALT_BYTES, NONCE_BYTES = 16, 12


class SealError(RuntimeError):
    """A sealed file cannot be made or opened: weak passphrase, wrong passphrase, altered file."""


def check_passphrase(passphrase: str | None) -> str:
    """Return the passphrase in canonical form, refusing an empty or short one."""
    passphrase = unicodedata.normalize("NFC", passphrase or "")
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        raise SealError(f"the passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long")
    return passphrase


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(check_passphrase(passphrase).encode())


def _header_aad(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def seal_bytes(plaintext: bytes, passphrase: str, *, purpose: str) -> bytes:
    """Encrypt plaintext under a passphrase; the result is a small JSON document."""
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = {"format": FORMAT, "purpose": purpose,
              "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                      "salt": base64.b64encode(salt).decode()}}
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    body = AESGCM(key).encrypt(nonce, plaintext, _header_aad(header))
    document = dict(header, nonce=base64.b64encode(nonce).decode(),
                    ciphertext=base64.b64encode(body).decode())
    return json.dumps(document, indent=2).encode()


def _parse(blob: bytes, purpose: str) -> tuple[dict, bytes, bytes, bytes]:
    try:
        document = json.loads(blob)
        header = {"format": document["format"], "purpose": document["purpose"], "kdf": document["kdf"]}
        kdf = header["kdf"]
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(document["nonce"], validate=True)
        body = base64.b64decode(document["ciphertext"], validate=True)
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SealError("not a sealed caseflow file (damaged or of another kind)") from exc
    if header["format"] != FORMAT or kdf.get("name") != "scrypt":
        raise SealError(f"unsupported sealed file format {header['format']!r}")
    if header["purpose"] != purpose:
        raise SealError(f"this sealed file holds {header['purpose']!r}, not {purpose!r}")
    if not (2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise SealError("the sealed file asks for unreasonable key-derivation parameters")
    return header, salt, nonce, body


def open_bytes(blob: bytes, passphrase: str, *, purpose: str) -> bytes:
    """Decrypt what seal_bytes() produced; a wrong passphrase or any change raises SealError."""
    header, salt, nonce, body = _parse(blob, purpose)
    kdf = header["kdf"]
    key = _derive(passphrase, salt, int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
    try:
        return AESGCM(key).decrypt(nonce, body, _header_aad(header))
    except InvalidTag as exc:
        raise SealError("wrong passphrase, or the sealed file was altered") from exc
