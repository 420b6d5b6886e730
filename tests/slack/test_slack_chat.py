"""Learners talk to Tutor through Slack: the real stack (Rasa with bot/slack_connector.py, actions,
worker, API) against the local fake Slack (tests/slack/fake_slack.py), signed like Slack."""

import time
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from db.models import Job, JobStatus

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRAIN = "Train a neuron to learn y = 2x - 1"


def new_user() -> str:
    return "U" + uuid.uuid4().hex[:10].upper()


def new_dm() -> str:
    return "D" + uuid.uuid4().hex[:10].upper()


def _jobs_of(session, user: str) -> int:
    return session.scalar(select(func.count(Job.id)).where(Job.conversation_id == user))


def in_thread(sent, channel: str, also=lambda call: True):
    return lambda call: (call.args.get("channel") == channel and call.args.get("thread_ts") == sent.ts
                         and also(call))


def test_url_verification_answers_the_challenge(slack_stack, fake_slack):
    sent = fake_slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert sent.status_code == 200
    assert sent.response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_signed_direct_message_gets_a_reply_with_buttons_in_its_thread(slack_stack, fake_slack):
    user, dm = new_user(), new_dm()
    sent = fake_slack.message("hi", user=user, channel=dm)
    assert sent.status_code == 200
    reply = fake_slack.wait_for(in_thread(sent, dm), timeout=30)
    assert "I'm Tutor" in reply.all_text
    assert reply.headers["Authorization"] == f"Bearer {fake_slack.token}"
    assert reply.blocks_of("section")[0]["text"]["type"] == "mrkdwn"
    values = {b["value"] for b in reply.buttons}
    assert {"/train_neuron", "/help"} <= values
    assert {b["text"]["text"] for b in reply.buttons} >= {"What can you do?"}


def test_app_mention_in_a_channel_is_answered_in_that_channel_and_thread(slack_stack, fake_slack):
    user, channel = new_user(), "C" + uuid.uuid4().hex[:10].upper()
    sent = fake_slack.app_mention("hi", user=user, channel=channel)
    assert sent.status_code == 200
    reply = fake_slack.wait_for(in_thread(sent, channel), timeout=30)
    assert "I'm Tutor" in reply.all_text  # the mention <@bot> was stripped before NLU


@pytest.mark.parametrize("how", ["unsigned", "stale", "wrong secret"])
def test_request_not_signed_by_slack_is_rejected_and_nothing_is_posted(slack_stack, fake_slack, how):
    user, dm = new_user(), new_dm()
    kwargs = {"unsigned": {"signed": False}, "stale": {"timestamp": int(time.time()) - 5 * 60 - 30}}.get(how, {})
    if how == "wrong secret":
        real, fake_slack.signing_secret = fake_slack.signing_secret, "not-the-secret"
    try:
        sent = fake_slack.message("hi", user=user, channel=dm, **kwargs)
    finally:
        if how == "wrong secret":
            fake_slack.signing_secret = real
    assert 400 <= sent.status_code < 500
    time.sleep(3)  # a processed "hi" is answered in well under a second
    assert fake_slack.posted(lambda c: c.args.get("channel") == dm) == []


def test_clicking_a_button_sends_its_payload_as_the_learners_message(slack_stack, fake_slack):
    user, dm = new_user(), new_dm()
    sent = fake_slack.message("hi", user=user, channel=dm)
    greeting = fake_slack.wait_for(in_thread(sent, dm, lambda c: bool(c.buttons)), timeout=30)
    help_button = next(b for b in greeting.buttons if b["value"] == "/help")

    click = fake_slack.click(greeting, help_button, user=user)
    assert click.status_code == 200
    reply = fake_slack.wait_for(in_thread(sent, dm, lambda c: "Here's what I can do" in c.all_text), timeout=30)
    assert reply.buttons  # utter_help offers its own buttons

    settings = slack_stack.settings
    tracker = httpx.get(f"{settings.rasa_url}/conversations/{user}/tracker",
                        params={"token": settings.rasa_token}).json()
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert users[-1]["text"] == "/help"
    assert users[-1]["input_channel"] == "slack"


def test_training_is_acknowledged_within_3_s_and_progress_and_result_come_back_in_its_thread(
        slack_stack, fake_slack, slack_db):
    user, dm = new_user(), new_dm()
    sent = fake_slack.message(TRAIN, user=user, channel=dm)
    print(f"\nSlack event answered in {sent.seconds * 1000:.0f} ms")
    assert sent.status_code == 200
    assert sent.seconds < 3.0

    started = time.monotonic()
    ack = fake_slack.wait_for(in_thread(sent, dm, lambda c: "Job #" in c.all_text), timeout=30)
    progress = fake_slack.wait_for(in_thread(sent, dm, lambda c: "is running" in c.all_text
                                             or "has started training" in c.all_text), timeout=90)
    image = fake_slack.wait_for(in_thread(sent, dm, lambda c: bool(c.blocks_of("image"))), timeout=90)
    # One rendering (issue 16): the result's text and its metric fields are one message.
    result = fake_slack.wait_for(in_thread(sent, dm, lambda c: "is done" in c.all_text
                                           and any(s.get("fields") for s in c.blocks_of("section"))), timeout=90)
    text = result
    print(f"ack {ack.at - started:.2f} s, progress {progress.at - started:.2f} s, result {result.at - started:.2f} s")

    # The plot is an image block with the public artifact URL, which serves the PNG.
    url = image.blocks_of("image")[0]["image_url"]
    assert url.startswith(slack_stack.settings.public_base_url + "/artifacts/") and url.endswith(".png")
    assert httpx.get(url).content.startswith(b"\x89PNG")
    # Markdown download links became Slack links; metrics are fields of the summary.
    assert f"<{slack_stack.settings.public_base_url}/artifacts/" in text.all_text
    assert "|TFLite model>" in text.all_text
    with_fields = next(b for b in result.blocks_of("section") if b.get("fields"))
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in with_fields["fields"]}
    assert float(fields["*weight*"]) == pytest.approx(2.0, abs=0.1)
    assert float(fields["*bias*"]) == pytest.approx(-1.0, abs=0.1)

    with slack_db() as session:
        job = session.scalars(select(Job).where(Job.conversation_id == user)).one()
        assert job.status is JobStatus.succeeded
        assert job.learner.channel == "slack"


def test_slack_retries_and_repeated_event_ids_never_start_a_second_job(slack_stack, fake_slack, slack_db):
    user, dm = new_user(), new_dm()
    # The stack is shared with tests that queue jobs: count this Slack user's jobs, not all of them.
    with slack_db() as session:
        assert _jobs_of(session, user) == 0
    event_id = "Ev" + uuid.uuid4().hex[:10].upper()
    first = fake_slack.message(TRAIN, user=user, channel=dm, event_id=event_id)
    body = first.body
    # Slack retries the same envelope with X-Slack-Retry-Num, for up to three retries...
    retries = [fake_slack.send_event(body, retry_num=n, retry_reason=reason)
               for n, reason in ((1, "http_timeout"), (2, "http_error"), (3, "unknown_error"))]
    # ...and a delivery may repeat the same event_id without the header.
    repeated = fake_slack.send_event(body)
    assert [r.status_code for r in [first, *retries, repeated]] == [200] * 5
    assert all(r.seconds < 3.0 for r in [first, *retries, repeated])

    fake_slack.wait_for(in_thread(first, dm, lambda c: "is done" in c.all_text), timeout=90)
    time.sleep(2)
    with slack_db() as session:
        assert _jobs_of(session, user) == 1
    acks = fake_slack.posted(in_thread(first, dm, lambda c: "Job #" in c.all_text and "On it" in c.all_text))
    assert len(acks) == 1


def test_the_bots_own_messages_echoed_by_slack_are_never_answered(slack_stack, fake_slack):
    """Slack delivers the bot's DM messages back to it (message.im, with bot_id)."""
    user, dm = new_user(), new_dm()
    sent = fake_slack.message("hi", user=user, channel=dm)
    reply = fake_slack.wait_for(in_thread(sent, dm), timeout=30)
    time.sleep(3)
    assert any(e.body["event"]["ts"] == reply.answer["ts"] and e.status_code == 200 for e in fake_slack.echoes)
    assert len(fake_slack.posted(lambda c: c.args.get("channel") == dm)) == 1


def test_a_result_is_one_slack_message_and_an_answers_code_is_a_slack_code_block(slack_stack, fake_slack, slack_db):
    """Issue 16: one rendering per result (no second text message after the card), and an answer's
    fenced Python is a Slack code block (``` without the language tag, which Slack would print)."""
    user, dm = new_user(), new_dm()
    asked = fake_slack.message("how to set learning rate in keras", user=user, channel=dm)
    answer = fake_slack.wait_for(in_thread(asked, dm, lambda c: "learning rate sets" in c.all_text), timeout=30)
    section = next(b["text"]["text"] for b in answer.blocks_of("section") if "```" in b["text"]["text"])
    assert "```\nopt = tf.keras.optimizers.SGD(learning_rate=0.001)" in section
    assert section.count("```") == 2 and "```python" not in section

    sent = fake_slack.message(TRAIN, user=user, channel=dm)
    fake_slack.wait_for(in_thread(sent, dm, lambda c: "is done" in c.all_text), timeout=120)
    with slack_db() as session:
        job = session.scalars(select(Job).where(Job.conversation_id == user)).one()
        assert job.status is JobStatus.succeeded
    time.sleep(3)  # anything else of the result (a second rendering) is posted within a second
    about = [c for c in fake_slack.posted(in_thread(sent, dm)) if f"Job #{job.id}" in c.all_text]
    done = [c for c in about if "is done" in c.all_text or "finished" in c.all_text]
    assert len(done) == 1, [c.all_text for c in about]  # the text and its metric fields, one message
    assert done[0].all_text.count(f"Job #{job.id} is done") == 2  # its section and its notification text
    assert any(s.get("fields") for s in done[0].blocks_of("section"))
