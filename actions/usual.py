"""Running an intent's usual action inside another action (a lesson question or a handoff the
message turned out not to be for)."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def run_usual(name: str, dispatcher: CollectingDispatcher, tracker: Tracker,
              domain: dict[str, Any]) -> list[dict[str, Any]]:
    """Run action `name` inside this one. A FollowupAction to it left a tracker no rule
    continues, so Rasa's fallback answered too ("Sorry, I lost the thread") and took the
    learner's message back; run here, the rule that brought us ends and Rasa listens."""
    if name.startswith("utter_"):
        dispatcher.utter_message(response=name)
        return []
    # imported late, since train_skill imports this module; each import registers its actions
    from actions import (  # noqa: F401
        answer_question,
        export_model,
        help,
        my_jobs,
        my_run,
        text_tools,
        train_neuron,
        train_skill,
    )
    actions = {cls().name(): cls for cls in Action.__subclasses__()}
    return actions[name]().run(dispatcher, tracker, domain)
