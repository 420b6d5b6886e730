import shutil

import pytest
import yaml

from faq import build_nlu
from faq.knowledge import DATA, load, reflow

SYLLABUS = {  # seed 002's topics, each must have a concept answer
    "ml-vs-rules", "neuron", "parameters-vs-hyperparameters", "activation-relu", "convolution",
    "pooling", "overfitting", "augmentation", "transfer-learning", "dropout", "tokenization",
    "padding", "embeddings", "rnn", "lstm", "text-generation", "time-series", "windowing",
    "forecast-baselines", "mae", "causal-conv1d", "tflite", "quantization", "tfjs", "tf-serving",
}
CAREER = {"learning-path", "math-needed", "engineering-vs-research", "mlops", "switch-to-ml",
          "problem-solving-skill", "ai-vs-ml-vs-dl", "ml-workflow"}


@pytest.fixture(scope="module")
def entries():
    return load()


def test_knowledge_covers_the_syllabus_and_career_paths_with_60_plus_questions(entries):
    concepts = {e.id: e for e in entries if e.kind == "concept"}
    assert set(concepts) >= SYLLABUS | CAREER
    assert sum(len(e.questions) for e in concepts.values()) >= 60


def test_knowledge_serves_every_ama_item_with_extra_phrasings(entries):
    ama = [e for e in entries if e.kind == "ama"]
    assert len(ama) == 34 and sum(e.asker is None for e in ama) == 1  # one aside to everybody
    assert all(len(e.questions) >= 2 for e in ama)


def test_knowledge_offers_only_requests_the_bot_runs(entries, router):
    offers = {e.offer for e in entries if e.offer}
    assert len(offers) >= 10
    commands = {"train_neuron", "train_vision", "train_transfer", "train_sentiment", "train_textgen",
                "train_timeseries", "tokenize_text", "export_model", "start_lesson"}
    assert {o: router.understand(o).intent for o in offers if router.understand(o).intent not in commands} == {}


def test_knowledge_rejects_paraphrases_for_an_unknown_ama_item(tmp_path):
    shutil.copy(DATA / "ama.yml", tmp_path / "ama.yml")
    shutil.copytree(DATA / "kb", tmp_path / "kb")
    (tmp_path / "ama_paraphrases.yml").write_text("ama-nobody-000000:\n  - who?\n")
    with pytest.raises(ValueError, match="ama-nobody-000000"):
        load(tmp_path)


def test_build_nlu_puts_every_phrasing_in_the_faq_intent(entries):
    data = yaml.safe_load(build_nlu.render())
    (block,) = data["nlu"]
    examples = [line[2:] for line in block["examples"].splitlines()]
    assert block["intent"] == "faq"
    expected = {build_nlu.clean(q) for e in entries for q in e.questions}
    assert set(examples) == expected
    assert not any(c in "".join(examples) for c in "[]{}")


def test_knowledge_rejects_a_question_yaml_turned_into_a_mapping(tmp_path):
    for name in ("ama.yml", "ama_paraphrases.yml"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "broken.yml").write_text(
        "items:\n  - id: x\n    topic: X\n    questions:\n      - Mobile or server: which?\n    answer: A.\n")
    with pytest.raises(ValueError, match="broken.yml: x: every item of 'questions' must be text"):
        load(tmp_path)


def test_knowledge_reflows_a_wrapped_answer_but_keeps_code_lists_and_paragraphs():
    answer = ("The first Dense layer was built for flat vectors, but it is getting\n2D images. Put a\n"
              "Flatten layer in front.\n\nTwo fixes:\n- flatten in the model\n- or reshape\n"
              "```python\nmodel = tf.keras.Sequential([\n    tf.keras.layers.Flatten(),\n])\n```\nThen fit again.")
    assert reflow(answer) == (
        "The first Dense layer was built for flat vectors, but it is getting 2D images. Put a Flatten layer "
        "in front.\n\nTwo fixes:\n- flatten in the model\n- or reshape\n"
        "```python\nmodel = tf.keras.Sequential([\n    tf.keras.layers.Flatten(),\n])\n```\nThen fit again.")


def test_knowledge_serves_concept_answers_without_mid_sentence_line_breaks(entries):
    for entry in (e for e in entries if e.kind == "concept"):
        outside_code = entry.answer.split("```")[::2]
        for part in outside_code:
            for a, b in zip(part.split("\n"), part.split("\n")[1:]):
                assert not (a.strip() and b.strip() and b.strip()[0].islower()), (entry.id, a, b)
