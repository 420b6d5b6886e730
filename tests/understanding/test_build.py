"""understanding/build.py reads the learner's intents from bot/data."""

import yaml

from tutor.settings import ROOT
from understanding.build import NLU_FILES, nlu_examples


def test_every_bot_data_file_with_intent_examples_is_read_by_the_router():
    """forget_me.yml was left out once: Rasa knew "forget me", the router called it off-topic."""
    with_examples = {path.name for path in (ROOT / "bot" / "data").glob("*.yml")
                     if any("examples" in item for item in (yaml.safe_load(path.read_text()) or {}).get("nlu", []))}
    assert with_examples - {"faq.yml"} <= set(NLU_FILES)  # faq.yml: the knowledge base, read by faq.knowledge
    assert "forget me" in nlu_examples()["forget_me"]
