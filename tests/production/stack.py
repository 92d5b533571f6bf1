"""Production processes for tests: gunicorn and `flask worker` as subprocesses with their logs, and a
small HTTP browser that keeps cookies (also Secure ones) when talking to 127.0.0.1 over plain HTTP."""
from __future__ import annotations

import html
import http.client
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from caseflow.config import PROJECT_ROOT

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
REDIS_URL = os.environ.get("CASEFLOW_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_problem() -> str | None:
    """Why the tests' Redis cannot be used, or None when it answers."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        return f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}"
    return None


def require(problem: str | None, what: str) -> None:
    """Fail under CI=true (the service is required there), skip elsewhere, when a service is missing."""
    import pytest

    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{problem} — {what} are required under CI=true")
    pytest.skip(problem)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_ERROR = re.compile(r'id="sign-in-error"><p>(.*?)</p>', re.S)


@dataclass
class Process:
    """One started server process and the file its output goes to."""

    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        """The last lines of the process's output."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Processes:
    """Started processes, stopped together; their logs explain a failed assertion."""

    folder: Path
    started: list[Process] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Process:
        """Start a process in the project folder, output to <folder>/<name>.log."""
        log = self.folder / f"{name}.log"
        with log.open("wb") as handle:
            popen = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def logs(self) -> str:
        """Every process's exit state and last lines of output, for an assertion message."""
        parts = []
        for process in self.started:
            state = "running" if process.popen.poll() is None else f"exited {process.popen.returncode}"
            parts.append(f"--- {process.name} ({state}) ---\n{process.tail()}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Ask every process to stop, then kill those still running after ten seconds."""
        for process in self.started:
            if process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.started:
            try:
                process.popen.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()


def flask_command(*args: str) -> list[str]:
    """argv of a `flask --app wsgi …` command."""
    return [str(VENV_BIN / "flask"), "--app", "wsgi", *args]


def gunicorn_command(port: int) -> list[str]:
    """argv of one gunicorn process with one worker on 127.0.0.1:port."""
    return [str(VENV_BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5",
            "wsgi:app"]


def run(argv: list[str], env: dict[str, str]) -> str:
    """Run a command to completion; its output, or an AssertionError with it."""
    done = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{' '.join(argv[1:])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Response:
    """What a server answered."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        """The redirect target, or an empty string."""
        return self.headers.get("location", "")

    def csrf_token(self) -> str:
        """The first form's CSRF token on the page."""
        found = _CSRF.search(self.text)
        assert found, f"no CSRF token in a {self.status} page"
        return html.unescape(found.group(1))

    def sign_in_error(self) -> str | None:
        """The sign-in page's error message, or None."""
        found = _ERROR.search(self.text)
        return html.unescape(found.group(1)).strip() if found else None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects; any port of 127.0.0.1 is one site,
    as behind a reverse proxy, and Secure cookies are sent although the test speaks plain HTTP.
    `address` is sent as X-Forwarded-For, as the reverse proxy in front would set it."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def get(self, port: int, path: str) -> Response:
        """GET a path from the process listening on port."""
        return self._request(port, "GET", path)

    def post(self, port: int, path: str, data: dict[str, str]) -> Response:
        """POST a form to the process listening on port."""
        return self._request(port, "POST", path, urlencode(data).encode())

    def _request(self, port: int, method: str, path: str, body: bytes | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            expires = morsel["expires"]
            gone = morsel["max-age"] == "0" or (expires and "1970" in expires)
            if gone or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def wait_until(check, *, seconds: float, what: str, logs) -> None:
    """Poll check() until it is true; fail with the processes' logs after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{logs()}")


def answers_health(port: int) -> bool:
    """True once the process on port says it is healthy."""
    try:
        return Browser().get(port, "/health").status == 200
    except OSError:
        return False
