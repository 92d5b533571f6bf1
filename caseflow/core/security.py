"""Security headers on every response, including error pages."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


def add_headers(response):
    """Set CSP, no-sniff, framing, referrer, HSTS and cache headers."""
    h = response.headers
    h["Content-Security-Policy"] = CSP
    h["X-Content-Type-Options"] = "nosniff"
    h["X-Frame-Options"] = "DENY"
    h["Referrer-Policy"] = "same-origin"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["ENV_MODE"] == "production":
        h["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static" or current_user.is_authenticated:
        h["Cache-Control"] = "no-store"
        h["Pragma"] = "no-cache"
    return response


def install(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_headers)
