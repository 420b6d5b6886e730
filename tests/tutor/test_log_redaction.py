import io
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tutor import log_redaction

TOKEN = "-s3cret_Rasa-token"
SESSION = "Xq3v9sIdOfALearner"


def test_redact_hides_query_tokens_and_shortens_conversation_ids():
    line = (f'HTTP Request: POST http://127.0.0.1:5005/conversations/{SESSION}/trigger_intent'
            f'?output_channel=latest&token={TOKEN} "HTTP/1.1 200 OK"')
    redacted = log_redaction.redact(line)
    assert TOKEN not in redacted and SESSION not in redacted
    assert "token=[redacted]" in redacted and "output_channel=latest" in redacted
    # The same conversation always gets the same short digest, so its lines can be matched up.
    ids = {log_redaction.redact(f"/conversations/{c}/trigger_intent") for c in (SESSION, SESSION, "other")}
    assert len(ids) == 2 and all(len(i) == len("/conversations/~12345678/trigger_intent") for i in ids)


@pytest.fixture
def rasa_that_refuses():
    """A local HTTP server answering 401 to every POST, like Rasa to a wrong token."""
    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_worker_pushes_log_neither_the_rasa_token_nor_the_conversation_id(rasa_that_refuses):
    """What the worker's logging does (jobs/worker.py main): httpx's request line and the
    notifier's warning, which repeats the URL, both go through the redacting formatter."""
    from jobs.notify import RESULT_INTENT, RasaNotifier

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger("httpx"), logging.getLogger("jobs.notify")]
    levels = [lg.level for lg in loggers]
    holder = logging.getLogger("redaction-test")
    holder.addHandler(handler)
    log_redaction.install(holder)
    try:
        for lg in loggers:
            lg.addHandler(handler)
            lg.setLevel(logging.INFO)
        notifier = RasaNotifier(rasa_that_refuses, TOKEN)
        assert notifier.trigger(SESSION, RESULT_INTENT, 7) is False
        notifier.close()
    finally:
        for lg, level in zip(loggers, levels):
            lg.removeHandler(handler)
            lg.setLevel(level)
        holder.removeHandler(handler)
    text = out.getvalue()
    assert "httpx INFO HTTP Request: POST" in text and "jobs.notify WARNING could not push" in text
    assert TOKEN not in text and SESSION not in text
    assert text.count("token=[redacted]") == 2


def test_install_wraps_each_handler_once():
    logger = logging.getLogger("redaction-install-test")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        log_redaction.install(logger)
        log_redaction.install(logger)
        assert isinstance(handler.formatter, log_redaction.RedactingFormatter)
        assert not isinstance(handler.formatter.inner, log_redaction.RedactingFormatter)
    finally:
        logger.removeHandler(handler)


def test_redact_shortens_the_ids_of_download_and_chart_links():
    job, learner = "0f" * 16, "a1" * 16
    line = (f'127.0.0.1:5 - "GET /artifacts/{job}/tfjs/model.json HTTP/1.1" 200 OK '
            f'"GET /progress/{learner}/chart.png HTTP/1.1" 200 OK')
    redacted = log_redaction.redact(line)
    assert job not in redacted and learner not in redacted
    assert "/tfjs/model.json" in redacted and "/chart.png" in redacted
