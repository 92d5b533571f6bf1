"""Request rate limits (Flask-Limiter) whose counters every process shares.

One limiter per application, built from its settings. Views declare a tighter limit with
`@rate_limited("RATELIMIT_SIGN_IN")`, counted per client address; every other request counts
against RATELIMIT_DEFAULT per signed-in user (per client address while signed out), so many users
behind one address do not share a budget. /health and static files are exempt.

If the storage (Redis) cannot be reached, the marked views — sign-in and passwords — fail closed:
the check raises and the request is answered "try again" (core.errors), never let through
unchecked. The default limit fails open (logged), so people already signed in keep working.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, request
from flask_limiter import Limiter
from flask_login import current_user
from limits import parse

#: endpoints never counted: monitoring probes must see the application even when the storage is down
EXEMPT_ENDPOINTS = frozenset({"core.health", "static"})
#: endpoints whose refusal for want of the storage is recorded in the audit trail
SIGN_IN_ENDPOINTS = frozenset({"auth.sign_in", "auth.forgot_password", "auth.set_password"})


def rate_limited(setting: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Mark a view for the limit named by `setting`, counted per client address for `methods`."""
    def mark(view: Callable) -> Callable:
        view.caseflow_rate_limit = (setting, methods)
        return view
    return mark


def client_address() -> str:
    """The client's address as the rest of caseflow sees it (after the trusted proxies)."""
    return request.remote_addr or "-"


def user_or_address() -> str:
    """Key a request by its signed-in user, or by its address while signed out."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"addr:{client_address()}"


def _storage_options(app: Flask) -> dict:
    """Short timeouts and no retries, so a dead storage answers within a second."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = float(app.config["RATELIMIT_STORAGE_TIMEOUT_SECONDS"])
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


def install(app: Flask) -> Limiter:
    """Build the application's limiter and apply the marked views' limits (after the guard, so
    the signed-in user is known)."""
    cfg = app.config
    limiter = Limiter(
        key_func=user_or_address,
        storage_uri=cfg["RATELIMIT_STORAGE_URI"],
        storage_options=_storage_options(app),
        strategy=cfg["RATELIMIT_STRATEGY"],
        key_prefix=cfg["RATELIMIT_KEY_PREFIX"],
        default_limits=[cfg["RATELIMIT_DEFAULT"]],
        swallow_errors=True,  # the default limit fails open (logged); the marked views check themselves
        headers_enabled=False,
    )
    marked = {endpoint: view for endpoint, view in app.view_functions.items()
              if getattr(view, "caseflow_rate_limit", None)}
    limiter.request_filter(lambda: request.endpoint in EXEMPT_ENDPOINTS or (
        request.endpoint in marked and request.method in marked[request.endpoint].caseflow_rate_limit[1]))
    limiter.init_app(app)
    for endpoint, view in marked.items():
        setting, methods = view.caseflow_rate_limit
        app.view_functions[endpoint] = _enforced(limiter, endpoint, setting, methods, view)
    app.extensions["caseflow.limiter"] = limiter
    return limiter


def _enforced(limiter: Limiter, endpoint: str, setting: str, methods: tuple[str, ...], view: Callable) -> Callable:
    """Count the view's requests per client address; a storage failure raises (fails closed)."""
    @wraps(view)
    def checked(*args, **kwargs):
        if request.method in methods:
            limit = parse(current_app.config[setting])
            if not limiter.limiter.hit(limit, current_app.config["RATELIMIT_KEY_PREFIX"], endpoint,
                                       client_address()):
                abort(429)
        return view(*args, **kwargs)
    return checked


def storage_errors() -> tuple[type[Exception], ...]:
    """The exceptions that mean the limiter's storage could not be reached."""
    from limits.errors import StorageError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, StorageError)
