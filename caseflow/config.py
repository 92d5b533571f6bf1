"""Load configuration: config/defaults.toml → instance file → CASEFLOW_* environment → validate."""
from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
INSECURE_SECRET_KEYS = {"", "dev", "change-me", "secret"}
KEY_VARIABLES = ("MASTER_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY", "BACKUP_PASSPHRASE")


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete; the app refuses to start."""


def load_config(app: Flask, *, testing: bool = False, overrides: dict | None = None) -> None:
    """Fill app.config from files and environment, then validate it (fail closed)."""
    app.config.from_file(str(CONFIG_DIR / "defaults.toml"), load=tomllib.load, text=False)
    if testing:
        app.config.from_file(str(CONFIG_DIR / "testing.toml"), load=tomllib.load, text=False)
    instance_file = os.environ.get("CASEFLOW_CONFIG") or str(Path(app.instance_path) / "caseflow.toml")
    if Path(instance_file).is_file():
        app.config.from_file(instance_file, load=tomllib.load, text=False)
    app.config.from_prefixed_env(prefix="CASEFLOW")
    for name in KEY_VARIABLES:  # key material stays in the keyring, never in app.config
        app.config.pop(name, None)
    if overrides:
        app.config.update(overrides)
    app.config["TESTING"] = app.config["ENV_MODE"] == "testing"
    _derive(app)
    validate(app.config)


def _derive(app: Flask) -> None:
    """Compute settings that depend on others (database URI, mail directory, secret key)."""
    cfg = app.config
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = cfg.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'caseflow.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    cfg["SQLALCHEMY_DATABASE_URI"] = url
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    if url.startswith("postgresql") and not cfg.get("POSTGRES_JIT"):
        # caseflow's queries are short; their OR-ed EXISTS conditions look costly enough to the planner
        # that JIT compiles them, which costs more than the query (docs/benchmarks.md)
        cfg["SQLALCHEMY_ENGINE_OPTIONS"].setdefault("connect_args", {}).setdefault("options", "-c jit=off")
    if not cfg.get("MAIL_DIR"):
        cfg["MAIL_DIR"] = str(Path(app.instance_path) / "mail")
    if cfg["ENV_MODE"] in ("demo", "testing") and cfg.get("SECRET_KEY") in (None, *INSECURE_SECRET_KEYS):
        cfg["SECRET_KEY"] = _local_secret(Path(app.instance_path) / "secret_key")
    if cfg["ENV_MODE"] == "production":
        cfg["SESSION_COOKIE_SECURE"] = True


def _local_secret(path: Path) -> str:
    """Read or create the demo-mode secret key under instance/."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def validate(cfg) -> None:
    """Refuse unsafe or incomplete settings."""
    if cfg["ENV_MODE"] not in ("demo", "production", "testing"):
        raise ConfigError(f"ENV_MODE must be demo, production or testing, not {cfg['ENV_MODE']!r}")
    if cfg["ENV_MODE"] == "production":
        key = cfg.get("SECRET_KEY") or ""
        if key in INSECURE_SECRET_KEYS or len(key) < 32:
            raise ConfigError("production needs CASEFLOW_SECRET_KEY of at least 32 random characters")
        if not (cfg.get("KEY_FILE") or os.environ.get("CASEFLOW_MASTER_KEYS")):
            raise ConfigError("production needs encryption keys: KEY_FILE or CASEFLOW_MASTER_KEYS")
        if str(cfg.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
            raise ConfigError("production needs CASEFLOW_RATELIMIT_STORAGE_URI naming a storage every process "
                              "shares (redis://host:6379/0), not memory://")
    for name in ("IDLE_TIMEOUT_MINUTES", "ABSOLUTE_TIMEOUT_HOURS", "PASSWORD_MIN_LENGTH", "EXPORT_BATCH_SIZE",
                 "IMPORT_MAX_BYTES", "IMPORT_SYNC_MAX_BYTES", "IMPORT_MAX_PROBLEMS"):
        if int(cfg[name]) <= 0:
            raise ConfigError(f"{name} must be positive")
    _validate_rate_limits(cfg)
    if cfg["SQLITE_SYNCHRONOUS"] not in ("FULL", "NORMAL", "OFF"):
        raise ConfigError("SQLITE_SYNCHRONOUS must be FULL, NORMAL or OFF")
    if int(cfg["TRUSTED_PROXY_COUNT"]) < 0:
        raise ConfigError("TRUSTED_PROXY_COUNT must be 0 or more")
    if cfg["DEFAULT_LOCALE"] not in cfg["LANGUAGES"]:
        raise ConfigError("DEFAULT_LOCALE must be one of LANGUAGES")


def _validate_rate_limits(cfg) -> None:
    """Refuse rate limits that do not parse, so a typo cannot switch a limit off."""
    from limits import parse_many

    for name in ("RATELIMIT_SIGN_IN", "RATELIMIT_PASSWORD_RESET", "RATELIMIT_DEFAULT"):
        try:
            parse_many(str(cfg[name]))
        except ValueError as exc:
            raise ConfigError(f"{name} must read like '20 per minute', not {cfg[name]!r}") from exc
    if float(cfg["RATELIMIT_STORAGE_TIMEOUT_SECONDS"]) <= 0:
        raise ConfigError("RATELIMIT_STORAGE_TIMEOUT_SECONDS must be positive")
