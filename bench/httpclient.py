"""A small keep-alive HTTP client that behaves like a browser on caseflow: cookies, the CSRF token of the
page's form, sign-in with a one-time code and, on the first sign-in, the authenticator enrolment."""
from __future__ import annotations

import html
import http.client
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp

PASSWORD = "Ezerkrasti-demo-2026"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECRET_RE = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')


class SignInFailed(RuntimeError):
    """The account could not be signed in."""


@dataclass
class Response:
    """What the benchmark needs of an answer."""

    status: int
    headers: dict[str, str]
    text: str
    seconds: float

    def csrf(self) -> str:
        """The CSRF token of the page's first form."""
        found = CSRF_RE.search(self.text)
        if not found:
            raise ValueError("no CSRF token on the page")
        return html.unescape(found.group(1))


@dataclass
class Client:
    """One browser: its own connection, cookies and (behind the trusted proxy) its own address."""

    port: int
    address: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return self.conn

    def cookie_header(self) -> str:
        """The Cookie header this browser sends."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, *, body: bytes | None = None, content_type: str | None = None,
                headers: dict | None = None) -> Response:
        """Send one request on the kept-alive connection, remembering the cookies it sets."""
        sent = {"Cookie": self.cookie_header(), "X-Forwarded-For": self.address, "Accept-Language": "lv"}
        if content_type:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=sent)
                raw = conn.getresponse()
                data = raw.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = val.strip()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()},
                        data.decode("utf-8", "replace"), seconds)

    def get(self, path: str, **kwargs) -> Response:
        """GET a page."""
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict) -> Response:
        """POST a urlencoded form."""
        return self.request("POST", path, body=urlencode(fields).encode(),
                            content_type="application/x-www-form-urlencoded")

    def post_multipart(self, path: str, fields: dict, files: dict[str, tuple[str, bytes]]) -> Response:
        """POST a multipart form with files (name → (file name, content))."""
        body, content_type = multipart(fields, files)
        return self.request("POST", path, body=body, content_type=content_type)

    def close(self) -> None:
        """Drop the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """Encode a multipart/form-data body; return it with its content type."""
    boundary = f"bench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                     f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Secrets:
    """The authenticator secrets of the accounts the benchmark enrolled (kept beside the database's keys)."""

    def __init__(self, path: Path):
        self.path = path
        stored = json.loads(path.read_text()) if path.exists() else {}
        self.known: dict[str, str] = stored.get("secrets", {})
        self.steps: dict[str, int] = stored.get("steps", {})  # the last time-step each account used

    def save(self) -> None:
        """Write the secrets (readable by the owner only)."""
        self.path.touch(mode=0o600, exist_ok=True)
        self.path.write_text(json.dumps({"secrets": self.known, "steps": self.steps}, indent=1))


def _fresh_code(secret: str, used: dict[str, int], username: str) -> str:
    """A code of a time-step the account has not used yet (the server accepts each step once)."""
    totp = pyotp.TOTP(secret)
    while True:
        step = int(time.time() // 30)
        for candidate in (step, step + 1):  # the server takes ±1 step: these stay valid longest
            if candidate > used.get(username, -1):
                used[username] = candidate
                return totp.generate_otp(candidate)
        time.sleep(max(0.5, (step + 1) * 30 - time.time() + 0.5))


def sign_in(client: Client, username: str, secrets: Secrets) -> None:
    """Sign in through the form as a person would; enrol the authenticator when the server asks for it."""
    for _attempt in (1, 2):
        page = client.get("/sign-in")
        fields = {"csrf_token": page.csrf(), "username": username, "password": PASSWORD, "code": ""}
        if username in secrets.known:
            fields["code"] = _fresh_code(secrets.known[username], secrets.steps, username)
        answer = client.post_form("/sign-in", fields)
        if answer.status == 302:
            break
        # a step another run already used: the next one is certainly new
        secrets.steps[username] = int(time.time() // 30) + 1
    else:
        raise SignInFailed(f"{username}: sign-in answered {answer.status}")
    if urlsplit(answer.headers.get("location", "")).path.endswith("/account/two-factor"):
        enrol = client.get("/account/two-factor")
        found = SECRET_RE.search(enrol.text)
        if not found:
            raise SignInFailed(f"{username}: no authenticator key on the enrolment page")
        secret = found.group(1).replace(" ", "")
        code = _fresh_code(secret, secrets.steps, username)
        done = client.post_form("/account/two-factor", {"csrf_token": enrol.csrf(), "code": code})
        if done.status != 200 or SECRET_RE.search(done.text):
            raise SignInFailed(f"{username}: enrolment answered {done.status}")
        secrets.known[username] = secret
    if client.get("/").status not in (200, 302):
        raise SignInFailed(f"{username}: the home page did not open after sign-in")
