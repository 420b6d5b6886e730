"""Rasa's route parameter `conversation_id` is the decoded id (bot/conversation_ids.py); the real
Rasa server is tests/jobs/test_notify.py."""

from types import SimpleNamespace

from bot.conversation_ids import _decode_route_parameter, encode


def test_the_middleware_decodes_the_conversation_id_the_router_matched():
    request = SimpleNamespace(_match_info={"conversation_id": encode("rest-Zoë a/b%")})
    _decode_route_parameter(request)
    assert request._match_info == {"conversation_id": "rest-Zoë a/b%"}


def test_the_middleware_leaves_routes_without_a_conversation_id_alone():
    request = SimpleNamespace(_match_info={"name": "a%20b"})
    _decode_route_parameter(request)
    assert request._match_info == {"name": "a%20b"}
