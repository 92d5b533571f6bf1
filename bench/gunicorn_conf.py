"""gunicorn settings for the HTTP benchmark: a request that carries `X-Bench-Capture: <name>` has the SQL
statements it ran (text, parameters) written to BENCH_CAPTURE_DIR/<name>.pickle; other requests pay one
attribute check per statement."""
from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

CAPTURE_HEADER = "X-BENCH-CAPTURE"
NAME_RE = re.compile(r"^[a-z0-9_-]{1,60}$")
_state = {"name": None, "statements": []}


def _seen(conn, cursor, statement, parameters, context, executemany):
    if _state["name"] is not None:
        _state["statements"].append((statement, parameters, bool(executemany)))


def post_fork(server, worker):
    """Listen to every engine the worker creates (the app is loaded after the fork)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", _seen)


def pre_request(worker, req):
    """Start capturing when the request asks for it."""
    name = next((value for key, value in req.headers if key == CAPTURE_HEADER), None)
    _state["name"] = name if name and NAME_RE.match(name) else None
    _state["statements"] = []


def post_request(worker, req, environ, resp):
    """Write the captured statements of the request, if any."""
    name, _state["name"] = _state["name"], None
    if name is not None:
        folder = Path(os.environ["BENCH_CAPTURE_DIR"])
        with (folder / f"{name}.pickle").open("wb") as handle:
            pickle.dump({"status": resp.status_code, "statements": _state["statements"]}, handle)
    _state["statements"] = []
