"""The FAQ brain with the real MiniLM encoder (slow: ~20 s to load once per session)."""

import numpy as np
import pytest

from faq import evaluate

pytestmark = pytest.mark.slow


def test_encoder_gives_unit_vectors_and_paraphrases_are_closer_than_unrelated_text(faq_brain):
    vectors = faq_brain.retriever.encoder.embed(
        ["What does dropout do?", "How does dropout reduce overfitting?", "order me a pizza"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.6 > 0.2 > vectors[0] @ vectors[2]


def test_retriever_finds_each_entry_from_its_own_wording(faq_brain):
    for entry in faq_brain.retriever.entries:
        answer, _ = faq_brain.ask(entry.questions[0])
        assert answer is not None and answer.entry.id == entry.id, entry.id


def test_retriever_returns_the_closest_three_topics_when_unsure(faq_brain):
    answer, closest = faq_brain.ask("how do capsule networks route between layers?")
    assert answer is None
    assert len(closest) == 3 and closest[0].score >= closest[1].score >= closest[2].score


def test_threshold_file_is_the_choice_the_development_set_makes(faq_brain):
    dev = evaluate.development_set(faq_brain.retriever, evaluate.off_topic_examples())
    chosen = evaluate.choose_threshold(dev)
    assert chosen["threshold"] == pytest.approx(faq_brain.threshold, abs=0.005)
    assert chosen["off_topic_answered"] == 0


def test_paraphrase_set_accuracy(faq_brain):
    scored = evaluate.paraphrase_set(faq_brain.retriever)
    result = evaluate.at_threshold(scored, faq_brain.threshold)
    print(f"\nparaphrase set: accuracy {result['accuracy']:.3f}, precision {result['precision']:.3f}, "
          f"coverage {result['coverage']:.3f}")
    assert result["accuracy"] >= 0.80  # 0.809 when written; issue 3 asks 0.85 (not yet met)


def test_retriever_alone_reaches_an_ama_answer_only_for_the_known_near_miss(faq_brain):
    """The retriever alone answers one off-topic request with an AMA item; the action declines it
    because Rasa labels it out_of_scope (asserted end to end in tests/e2e/test_faq_chat.py).
    A new off-topic request reaching an AMA answer fails here."""
    import yaml

    from tests.conftest import ROOT

    off_topic = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())["off_topic"]
    reached = [t for t in off_topic if (a := faq_brain.ask(t)[0]) and a.entry.kind == "ama"]
    assert reached == ["recommend a sci-fi novel"]
