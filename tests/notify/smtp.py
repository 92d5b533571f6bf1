"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, for delivery tests."""
from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (yet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """aiosmtpd handler: every accepted message, parsed, with its envelope recipients."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int):
    """Run an SMTP server on 127.0.0.1:port while the block runs."""
    sink = Sink(port)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp():
    """A running SMTP server on a free port; `smtp.port`, `smtp.messages`."""
    with smtp_server(free_port()) as sink:
        yield sink


def text_of(message: EmailMessage) -> str:
    """The plain-text body of a received message."""
    return message.get_body(preferencelist=("plain",)).get_content()
