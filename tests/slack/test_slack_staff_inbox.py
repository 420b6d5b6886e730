"""A Slack learner whose question staff answer on the staff inbox gets the answer in Slack,
labelled as from course staff (the real stack against the fake Slack)."""

import uuid

import pytest

from tests.e2e.test_staff_inbox_chat import _group_of, _staff

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_staff_answer_reaches_a_slack_asker_labelled_as_staff(slack_stack, fake_slack):
    user, dm = "U" + uuid.uuid4().hex[:10].upper(), "D" + uuid.uuid4().hex[:10].upper()
    question = "how do spiking neural networks encode time?"
    fake_slack.message(question, user=user, channel=dm)
    fake_slack.wait_for(lambda c: c.args.get("channel") == dm and "not sure" in c.all_text, timeout=60)
    _staff(slack_stack, "POST", "groups/answer", json={
        "question_ids": _group_of(slack_stack, question)["question_ids"], "topic": "Spiking neural networks",
        "answer": "Spiking networks encode time in when their neurons fire, not only how strongly."})
    post = fake_slack.wait_for(lambda c: c.args.get("channel") == dm and "Course staff answered" in c.all_text,
                               timeout=30)
    assert post.blocks[0] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "*Course staff*"}]}
