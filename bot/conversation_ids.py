"""A conversation id in a URL path of Rasa's HTTP API, encoded and decoded the same way.

The worker pushes results to `/conversations/{id}/trigger_intent`, and an id can hold any
character a REST script chose ("rest-ada lovelace", "rest-a@b/c", "rest-100%", "rest-Zoë"), so
it is percent-encoded as UTF-8 with nothing left bare (`/`, `?`, `#` and `%` included). Rasa 3.6
does not decode it: its routes are declared without Sanic's `unquote=True`, and Sanic 21.12
matches on the raw path, so the push went to a conversation named "rest-ada%20lovelace", which
nobody is in, and Rasa answered 200. `install()` (called by bot/launch.py) makes every
`<conversation_id>` route parameter of Rasa's API the decoded id. Standard library only at import:
Rasa's venv and the app's both import it.
"""

from typing import Any
from urllib.parse import quote, unquote

PARAMETER = "conversation_id"  # the name Rasa's routes give it (rasa/server.py)


def encode(conversation_id: str) -> str:
    return quote(conversation_id, safe="", encoding="utf-8")


def decode(segment: str) -> str:
    return unquote(segment, encoding="utf-8", errors="replace")


def _decode_route_parameter(request: Any) -> None:
    """A Sanic request middleware: it runs after routing, before the handler reads the id."""
    match_info = getattr(request, "_match_info", None)
    if isinstance(match_info, dict) and isinstance(match_info.get(PARAMETER), str):
        match_info[PARAMETER] = decode(match_info[PARAMETER])


def install() -> None:
    from rasa import server

    original = server.create_app
    if getattr(original, "tutor_decodes_ids", False):
        return

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(_decode_route_parameter, "request")
        return app

    create_app.tutor_decodes_ids = True  # type: ignore[attr-defined]
    server.create_app = create_app
