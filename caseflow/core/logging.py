"""Application logging: request lines never carry a password link's token."""
from __future__ import annotations

import logging
import re

_SECRET_PATHS = re.compile(r"(/password/set/)[^\s?\"']+")


class RedactSecrets(logging.Filter):
    """Blank single-use tokens in log records (werkzeug's and gunicorn's access lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(_SECRET_PATHS.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                                for a in (record.args if isinstance(record.args, tuple) else (record.args,)))
        if isinstance(record.msg, str):
            record.msg = _SECRET_PATHS.sub(r"\1[redacted]", record.msg)
        return True


def configure() -> None:
    """Log at INFO to stderr, quieten Alembic's plug-in chatter, redact tokens in access lines."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
