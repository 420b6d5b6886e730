"""The staff page's Unanswered and Handoffs sections in Chromium on the shared stack (issue 18 §2,
§3), from the browser alone: a widget learner asks a question Tutor cannot answer; staff see its
group with count and wording, write a new answer, and the learner's widget shows it in a
"Course staff" bubble; a second group is dismissed and disappears; the learner asks for a person,
the Handoffs badge counts it, staff read the transcript and reply, and the widget shows the reply
as from course staff; the audit section lists the three writes. Screenshots: test-output/web/
staff-inbox-*.png. The API-level flows (paraphrase answered, Slack asker): tests/e2e/
test_staff_inbox_chat.py."""

import uuid
from pathlib import Path

import pytest

from actions.handoff import ENDED, OPENED
from tests.conftest import STAFF_TOKEN

pytestmark = [pytest.mark.slow]

INBOX = Path(__file__).with_name("staff_inbox.mjs")
ANSWER = "A mixture-of-experts layer adds an auxiliary loss that is lowest when every expert gets an equal share."
REPLY = "Hi, Sam from the course here: lower the learning rate to 0.001 and clip the gradients."


def test_staff_answer_dismiss_and_handoff_reply_from_the_page_reach_the_learners_widget(scenario):
    nonce = uuid.uuid4().hex[:6]
    question = f"how does a mixture of experts layer balance the load across its experts {nonce}?"
    second = f"how does a hypernetwork generate the weights for its target network {nonce}?"
    found = scenario("inbox", script=INBOX, timeout=240, token=STAFF_TOKEN, question=question,
                     second=second, answer=ANSWER, reply=REPLY)

    # Unanswered: the group with its count and wording; answered, it leaves the list.
    assert found["groupHeading"].startswith("1 asked by 1 learner(s), last ")
    assert found["groupExamples"] == [question]
    assert found["answerNote"] == "Answered: 1 question(s), 1 learner(s) told."
    assert found["answeredGroupLeft"] == 0
    assert found["learnerAnswer"][-1] == {
        "label": "Course staff", "text": f"Course staff answered your question \u2018{question}\u2019: {ANSWER}"}
    assert found["dismissNote"] == "Dismissed: 1 question(s)."
    assert found["dismissedGroupLeft"] == 0

    # Handoffs: the badge, the transcript and thread, the reply in the list and in the widget.
    assert found["handoffOpened"].strip() == OPENED
    assert found["badgeAfter"] == found["badgeBefore"] + 1
    # The learner's words before the request, without the staff answer's push (Rasa's
    # 'EXTERNAL: EXTERNAL_staff_message' event), which is not something the learner said.
    assert [line for line in found["transcript"] if line.startswith("learner: ")] == [
        f"learner: {question}", f"learner: {second}", "learner: can I talk to a human?"]
    assert not any("EXTERNAL" in line for line in found["transcript"])
    assert found["threadBefore"] == ["learner: my loss goes to nan after two epochs"]
    assert found["replyNote"] == "Sent."
    assert found["threadAfter"] == ["learner: my loss goes to nan after two epochs", f"staff (bootstrap): {REPLY}"]
    assert found["learnerReply"][-1] == {"label": "Course staff", "text": REPLY}
    assert found["ended"].strip() == ENDED

    # The audit lists the three writes, newest first.
    assert [row[:2] for row in found["audit"]] == [["bootstrap", "reply"], ["bootstrap", "dismiss"],
                                                   ["bootstrap", "answer"]]
    assert [row[2].split(":")[0] for row in found["audit"]] == ["handoff", "questions", "entry"]
