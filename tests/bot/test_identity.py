"""bot/identity.py: each channel's conversation ids live in a namespace no other channel reaches."""

import uuid

import pytest

from bot.identity import OTHER, REST, SLACK, WEB, belongs_to, channel_of, rest_sender


def test_a_rest_sender_is_in_the_rest_namespace_whatever_id_it_claims():
    web_id, slack_id = uuid.uuid4().hex, "U0123ABCD"
    assert channel_of(rest_sender(web_id)) == REST
    assert channel_of(rest_sender(slack_id)) == REST
    assert rest_sender(slack_id) != slack_id


@pytest.mark.parametrize("conversation_id, channel", [
    ("0aab1119f63d4e948a0d73c901dbf00b", WEB),  # what the widget and Rasa make (uuid4().hex)
    ("U0123ABCD", SLACK),
    ("W0123ABCD_C0456EFGH", SLACK),  # conversation_granularity: channel
    ("U0123ABCD_C0456EFGH_1700000000.000100", SLACK),  # ... thread
    ("rest-anything", REST),
])
def test_channel_of_reads_the_namespace(conversation_id, channel):
    assert channel_of(conversation_id, claimed="slack" if channel != SLACK else "rest") == channel


def test_an_id_in_no_namespace_keeps_the_channel_its_message_named():
    assert channel_of("learner-1", "socketio") == "socketio"
    assert channel_of("default") == OTHER


@pytest.mark.parametrize("channel, conversation_id", [
    (WEB, "U0123ABCD"),  # a web client claiming a Slack learner's conversation
    (WEB, "rest-me"),
    (WEB, "E357844AB23F460B8318F690149AC904"),
    (SLACK, "b3e98518a28344669aee5a0bbf79641b"),
    (REST, "U0123ABCD"),
])
def test_a_channel_never_accepts_another_channels_ids(channel, conversation_id):
    assert not belongs_to(channel, conversation_id)


def test_each_channel_accepts_its_own_ids():
    assert belongs_to(WEB, uuid.uuid4().hex)
    assert belongs_to(SLACK, "U0123ABCD")
    assert belongs_to(REST, rest_sender("me"))
    assert belongs_to("cmdline", "default")  # channels Tutor does not run are not checked
