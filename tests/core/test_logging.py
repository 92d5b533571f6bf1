"""Access-log lines never carry a password link's token."""
from __future__ import annotations

import logging

from caseflow.core.logging import RedactSecrets


def test_tokens_in_request_lines_are_redacted():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", "GET /password/set/AbC123-secret_token HTTP/1.1", "200"), None)
    RedactSecrets().filter(record)
    line = record.getMessage()
    assert "AbC123-secret_token" not in line
    assert "/password/set/[redacted] HTTP/1.1" in line


def test_other_lines_are_untouched():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", ("GET /pupils/ HTTP/1.1",), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == "GET /pupils/ HTTP/1.1"


def test_the_filter_is_installed_on_the_access_loggers(app):
    assert any(isinstance(f, RedactSecrets) for f in logging.getLogger("werkzeug").filters)
