"""Rasa's NLU side of the understanding layer: a pipeline component that ranks each message with
understanding.router and writes the result where Rasa's rules, stories and `rasa test` read it.

It sets the intent and the intent ranking (so rules and the lesson routing work unchanged), a
`faq_id` entity for the entry to answer, and the whole decision as the `understanding` output
property (tracker.latest_message["understanding"]: entry, score, closest entries, the command to
offer beside an explanation, the kind of paste). Button payloads ("/intent{...}") never reach
NLU components, so "did you mean" clicks keep their entity.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.training_data.message import Message

NAME = "TutorUnderstanding"
log = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TutorUnderstanding(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TutorUnderstanding:
        return cls()

    def __init__(self) -> None:
        # Built in the background from the moment Rasa loads the model, so the first learner
        # does not wait for it; process() waits only if a message comes first.
        self._ready = threading.Event()
        self._router = None
        threading.Thread(target=self._build, name="understanding", daemon=True).start()

    def _build(self) -> None:
        from faq.staff import default_path
        from understanding import live
        from understanding.build import cache_file

        started = time.monotonic()
        try:
            # Rebuilt when staff teach Tutor something on the staff page (understanding/live.py).
            self._router = live.start(cache_file=cache_file(), staff_file=default_path())
            log.info("understanding layer ready in %.1f s", time.monotonic() - started)
        finally:
            self._ready.set()

    def router(self):
        self._ready.wait()
        if self._router is None:
            raise RuntimeError("the understanding layer failed to build (see the log above)")
        return self._router.current()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get("text") or ""
            if not text.strip():
                continue
            decision = self.router().understand(text)
            message.set("intent", {"name": decision.intent, "confidence": decision.confidence},
                        add_to_output=True)
            message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in decision.ranking[:10]],
                        add_to_output=True)
            if decision.entry_id:
                entities = [e for e in message.get("entities", []) if e.get("entity") != "faq_id"]
                entities.append({"entity": "faq_id", "value": decision.entry_id, "start": 0,
                                 "end": len(text), "confidence_entity": round(decision.score, 4),
                                 "extractor": NAME})
                message.set("entities", entities, add_to_output=True)
            message.set("understanding", decision.as_dict(), add_to_output=True)
        return messages
