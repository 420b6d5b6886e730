"""Questions through the real stack (Rasa REST channel -> understanding component -> action server)."""


import httpx
import pytest
import yaml

from faq import replay
from tests.conftest import ROOT
from tests.e2e.conftest import STAFF_TOKEN
from understanding import gate

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _ask(stack, text):
    with httpx.Client(timeout=60, headers=replay.rest_headers(stack.settings.rasa_token)) as client:
        return replay.ask(client, stack.settings.rasa_url, text)


_faq_payload = replay.faq_payload


def test_ama_replay_answers_at_least_95_percent_of_the_archive_verbatim(stack):
    rows = replay.replay(stack.settings.rasa_url, stack.settings.rasa_token)
    print("\n" + replay.report(rows))
    assert len(rows) == 36
    assert sum(r.correct for r in rows) / len(rows) >= 0.95


def test_ama_answer_is_attributed_to_the_author(stack):
    replies = _ask(stack, "How much theory do you cover in your book?")
    text = replay.reply_text(replies)
    assert text.startswith("Laurence Moroney answered this in the book's AMA (asked by Matthew Emerick)")
    assert "Almost no math!" in text


def test_concept_answer_ends_with_an_offer_when_a_skill_exists(stack):
    replies = _ask(stack, "what are weights and biases in a neuron?")
    assert _faq_payload(replies)["faq_id"] == "neuron"
    assert any(b["payload"] == "train a neuron to learn y = 2x - 1"
               for r in replies for b in r.get("buttons", []))


def test_paraphrase_set_through_the_bot(stack):
    data = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())
    def accepted(case):
        return set(case["expect"]) if isinstance(case["expect"], list) else {case["expect"]}

    hits = [(_faq_payload(_ask(stack, case["text"])) or {}).get("faq_id") in accepted(case)
            for case in data["questions"]]
    print(f"\nparaphrase set through the bot: {sum(hits)}/{len(hits)} answered correctly")
    # Through Rasa, the same level as the router alone (understanding/gate.py).
    assert sum(hits) / len(hits) >= gate.LEVELS["paraphrases"] - gate.MARGIN


def test_no_off_topic_request_gets_an_ama_answer(stack):
    data = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())
    for text in data["off_topic"]:
        replies = _ask(stack, text)
        payload = _faq_payload(replies)
        assert payload is None or payload["kind"] != "ama", (text, payload)
        assert not any("answered this in the book's AMA" in (r.get("text") or "") for r in replies)


def test_unsure_question_offers_closest_topics_and_reaches_the_staff_list(stack):
    question = "how does the adjoint method backpropagate through a neural ODE?"
    replies = _ask(stack, question)
    text = replay.reply_text(replies)
    assert "not sure" in text
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert 2 <= len(buttons) <= 3 and all(b["payload"].startswith('/faq{"faq_id":') for b in buttons)
    picked = _ask(stack, buttons[0]["payload"])  # clicking a button answers that topic
    assert _faq_payload(picked)["faq_id"] in buttons[0]["payload"]
    staff = httpx.get(f"{stack.settings.public_base_url}/staff/unanswered",
                      headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert staff.status_code == 200 and question in [q["text"] for q in staff.json()]
