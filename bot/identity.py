"""Which channel a conversation id belongs to: each channel's learners live in their own namespace.

Rasa keys a conversation (its tracker, its lock, where pushed results go) by the sender id alone,
so two channels that could produce the same id would share one learner. The ids are kept apart by
construction:
- REST (scripts and tests, bot/rest_channel.py): "rest-" + the sender the script chose;
- the web widget (socket.io): 32 lowercase hex digits, as the widget and Rasa make them
  (bot/input_guard.py refuses any other session id on that channel);
- Slack (bot/slack_connector.py, signed requests only): Slack's user id, "U…"/"W…" in capitals,
  with "_<channel>[_<thread>]" for the finer granularities.
None of these can equal another, so a REST script cannot be a web learner, nor a web client a
Slack one. Standard library only: Rasa's venv and the app's both import it.
"""

import re

REST_PREFIX = "rest-"
WEB_ID = re.compile(r"[0-9a-f]{32}")
SLACK_ID = re.compile(r"[A-Z][A-Z0-9]+(?:_[A-Z0-9]+(?:_[0-9.]+)?)?")
# The names Rasa gives the channels (InputChannel.name()); learners are stored under them.
REST, WEB, SLACK, OTHER = "rest", "socketio", "slack", "other"


def rest_sender(claimed: str) -> str:
    """The conversation id of a REST script's sender: always in the REST namespace."""
    return REST_PREFIX + claimed


def channel_of(conversation_id: str, claimed: str | None = None) -> str:
    """The channel a conversation id can only have come from. An id in no channel's namespace
    (Rasa's command line, a test's tracker) reached Rasa through no guarded channel, and keeps
    the channel its message named (`claimed`), else OTHER."""
    if conversation_id.startswith(REST_PREFIX):
        return REST
    if WEB_ID.fullmatch(conversation_id):
        return WEB
    if SLACK_ID.fullmatch(conversation_id):
        return SLACK
    return claimed or OTHER


def belongs_to(channel: str, conversation_id: str) -> bool:
    """True if `conversation_id` is in the namespace of the channel that received the message.
    Channels Tutor does not run (Rasa's command line, say) are not checked."""
    if channel in (REST, WEB, SLACK):
        return channel_of(conversation_id) == channel
    return True
