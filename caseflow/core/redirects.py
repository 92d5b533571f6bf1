"""Redirect targets taken from a request (`next`): only paths on this site, never another host."""
from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """The target if it is a path on this site, else None.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so "/\\t/evil.lv"
    and "/\\\\evil.lv" would leave the site like "//evil.lv" does: control characters and
    backslashes are refused outright.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
