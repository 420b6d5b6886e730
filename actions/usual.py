"""Running an intent's usual action inside another action (a lesson question or a handoff the
message turned out not to be for)."""

import functools
import importlib
import pkgutil
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
    return _actions()[name]().run(dispatcher, tracker, domain)


@functools.cache
def _actions() -> dict[str, type[Action]]:
    """Every action class of the package by name, found as the action server's register_package
    finds them (each module imported, late: train_skill imports this module)."""
    import actions

    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    return {cls().name(): cls for cls in Action.__subclasses__()}
