"""TOTP (RFC 6238): secrets, provisioning URI, QR code rendered locally, replay-safe checks."""
from __future__ import annotations

import base64
import io
import time

import pyotp
import segno

STEP = 30
WINDOW = 1


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, account: str, issuer: str = "caseflow") -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code of a URI as an SVG data URI (no external service involved)."""
    buffer = io.BytesIO()  # a standalone SVG document (with xmlns), so browsers render it as <img>
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, dark="#000", light="#fff",
                                    xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def matching_counter(secret: str, code: str, *, after: int | None, now: float | None = None) -> int | None:
    """The time-step a code belongs to (±1 step), if it is newer than `after`; else None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // STEP)
    for counter in range(current - WINDOW, current + WINDOW + 1):
        if after is not None and counter <= after:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(counter), code):
            return counter
    return None
