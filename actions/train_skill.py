"""action_train_skill: one action for every catalogue skill (vision, transfer, sentiment,
textgen, timeseries). Rasa's intent picks the skill; the skill's options grammar reads the
settings; its Params checks them; a job is queued and answered at once."""

import logging
from typing import Any

from annotated_types import Ge, Le
from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.catalogue import CATALOGUE, EPOCHS, SEED, ChatSkill
from actions.lessons import start_lesson_from_list
from actions.neuron_request import RequestParseError
from actions.queueing import learner_of, queue
from actions.refusals import bound, explain
from actions.skill_options import SkillOptions
from db import repository as repo
from skills import registry

log = logging.getLogger(__name__)


def previous_metrics(tracker: Tracker, skill: str) -> dict[str, float] | None:
    """The learner's last successful run of this skill, so a rerun can be compared with it."""
    try:
        with runtime.sessions()() as session:
            jobs = repo.finished_jobs(session, learner_of(session, tracker), skill, limit=1)
            session.commit()
            return dict(jobs[0].result["metrics"]) if jobs and jobs[0].result else None
    except SQLAlchemyError:
        log.exception("could not read the previous %s run", skill)
        return None


class ActionTrainSkill(Action):
    def name(self) -> str:
        return "action_train_skill"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        picked = start_lesson_from_list(dispatcher, tracker)
        if picked is not None:
            return picked
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "rerun_last":
            return self._rerun(dispatcher, tracker)
        entry: ChatSkill | None = CATALOGUE.get(intent)
        if entry is None:
            dispatcher.utter_message(text="I'm not sure which model you want me to train. Say "
                                          "\"help\" to see the ones I can run.")
            return []
        text = tracker.latest_message.get("text") or ""
        params_class = entry.params_class()
        named: dict = {}
        try:
            raw = entry.options.parse(text, named)
            defaults = fill_named(raw, named, params_class)
            if "previous" in params_class.model_fields:
                raw["previous"] = previous_metrics(tracker, entry.skill)
            params = params_class.model_validate(raw)
        except RequestParseError as exc:
            dispatcher.utter_message(text=f"{exc} Nothing was started.")
            return []
        except ValidationError as exc:
            dispatcher.utter_message(text=explain(exc, raw, params_class))
            return []
        promise = entry.promise(params)
        if defaults:
            promise += " " + defaults
        queue(dispatcher, tracker, entry.skill, params.model_dump(mode="json"), promise)
        return []

    @staticmethod
    def _rerun(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """"Rerun it with dropout 0.3": the learner's last training, with what this message changes."""
        from actions.my_run import NO_RUN, recent_runs

        try:
            jobs = recent_runs(tracker, limit=1)
        except SQLAlchemyError:
            log.exception("could not read the learner's last run")
            jobs = []
        if not jobs:
            dispatcher.utter_message(text=NO_RUN.replace("ask me again", "say \"rerun it\" again"))
            return []
        last = jobs[0]
        spec = registry.get(last.skill)
        entry = next((e for e in CATALOGUE.values() if e.skill == last.skill), None)
        options = entry.options if entry else SkillOptions([EPOCHS, SEED])  # hello_neuron: epochs, seed
        base = {k: v for k, v in (last.params or {}).items() if k != "previous" and k in spec.params.model_fields}
        text = tracker.latest_message.get("text") or ""
        named: dict = {}
        try:
            changes = options.parse(text, named)
            defaults = fill_named(changes, named, spec.params, base)
            raw = {**base, **changes}
            if "previous" in spec.params.model_fields:
                raw["previous"] = dict((last.result or {}).get("metrics") or {})
            params = spec.params.model_validate(raw)
        except RequestParseError as exc:
            dispatcher.utter_message(text=f"{exc} Nothing was started.")
            return []
        except ValidationError as exc:
            dispatcher.utter_message(text=explain(exc, raw, spec.params))
            return []
        said = ", ".join(f"{k.replace('_', ' ')} {base.get(k)!s} -> {v!s}" for k, v in changes.items()
                         if base.get(k) != v) or "the same settings"
        promise = (f"I'm rerunning your {spec.title} (run {last.id}) with {said}. I'll send progress, "
                   "then the results beside the previous run's.")
        if defaults:
            promise += " " + defaults
        queue(dispatcher, tracker, last.skill, params.model_dump(mode="json"), promise)
        return []


def fill_named(raw: dict, named: dict, params_class, base: dict | None = None) -> str:
    """Values for options the learner named without a number, and the sentence that says so.
    `base`: the run being redone, whose values "more epochs" doubles (else the defaults)."""
    said = []
    for name, (_word, value, factor) in named.items():
        info = params_class.model_fields[name]
        if value is None:
            value = (base or {}).get(name, info.default) if factor != 1.0 else info.default
        if factor != 1.0 and isinstance(value, (int, float)):
            value = value * factor
            high, low = bound(params_class, name, Le), bound(params_class, name, Ge)
            value = min(value, high) if high is not None else value
            value = max(value, low) if low is not None else value
            value = int(round(value)) if isinstance(info.default, int) else round(value, 4)
        raw[name] = value
        said.append(f"{name.replace('_', ' ')} {value:g}" if isinstance(value, (int, float))
                    else f"{name} {value}")
    if not said:
        return ""
    example = next(iter(named.values()))[0]
    return (f"You didn't give a number, so I used {', '.join(said)}; say \"{example} <number>\" "
            "to choose another.")
