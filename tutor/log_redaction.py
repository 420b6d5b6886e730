"""Keep tokens and learners' conversation ids out of service logs.

httpx logs every request URL at INFO, and the worker's pushes to Rasa carry the Rasa token as
`?token=` (Rasa 3.6 reads it only from the query string, docs/decisions.md, D17) and the
learner's conversation id (their socket.io session id) in the path. The id becomes a short
digest, so lines about one conversation can still be matched up. The API's access log gets the
same treatment for the ids in download and progress-chart links: an unguessable id is all those
links ask for, so a log line must not hand it on.
"""

import hashlib
import logging
import re

TOKEN = re.compile(r"(?i)(token=)[^&\s\"'<>]+")
CONVERSATION = re.compile(r"(/conversations/)([^/?#\s\"'<>]+)")
CAPABILITY = re.compile(r"(/(?:artifacts|progress)/)([^/?#\s\"'<>]+)")


def _digest(match: re.Match) -> str:
    return f"{match[1]}~{hashlib.sha256(match[2].encode()).hexdigest()[:8]}"


def redact(text: str) -> str:
    return CAPABILITY.sub(_digest, CONVERSATION.sub(_digest, TOKEN.sub(r"\1[redacted]", text)))


class RedactingFormatter(logging.Formatter):
    """Wraps a handler's formatter and redacts the whole formatted line: message, arguments and
    traceback alike (an httpx error's text repeats the URL)."""

    def __init__(self, inner: logging.Formatter | None = None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def install(logger: logging.Logger | None = None) -> None:
    """Redact everything the root logger's handlers (or `logger`'s) write; call after basicConfig."""
    for handler in (logger or logging.getLogger()).handlers:
        if not isinstance(handler.formatter, RedactingFormatter):
            handler.setFormatter(RedactingFormatter(handler.formatter))
