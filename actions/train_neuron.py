"""action_train_neuron: chat text -> validated hello-neuron params -> a queued job, answered at once."""

from typing import Any

import logging

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.neuron_request import RequestParseError, parse_neuron_request
from actions.refusals import explain
from db import repository as repo
from skills import hello_neuron as neuron

log = logging.getLogger(__name__)

QUEUE_DOWN = ("Sorry, I couldn't queue your training just now: my job database didn't answer. "
              "Nothing was started. Please try again in a minute.")


def describe(params: neuron.Params) -> str:
    if params.points:
        data = f"your {len(params.points)} points"
    else:
        w, b = params.rule.weight, params.rule.bias
        data = f"y = {w:g}x {'+' if b >= 0 else '-'} {abs(b):g} (x from -1 to 4)"
    return (f"one neuron on {data} for {params.epochs:,} epochs with learning rate "
            f"{params.learning_rate:g} (SGD, mean squared error)")


class ActionTrainNeuron(Action):
    def name(self) -> str:
        return "action_train_neuron"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        try:
            raw = parse_neuron_request(text)
            params = neuron.Params.model_validate(raw)
        except RequestParseError as exc:
            dispatcher.utter_message(text=f"{exc} Nothing was started.")
            return []
        except ValidationError as exc:
            dispatcher.utter_message(text=explain(exc, raw))
            return []

        try:
            with runtime.sessions()() as session:
                learner = repo.get_or_create_learner(
                    session, tracker.get_latest_input_channel() or "unknown", tracker.sender_id
                )
                job = repo.create_job(session, learner, tracker.sender_id, neuron.NAME,
                                      params.model_dump(mode="json"))
                session.commit()
        except SQLAlchemyError:
            log.exception("could not queue a hello-neuron job")
            dispatcher.utter_message(text=QUEUE_DOWN)
            return []

        dispatcher.utter_message(
            text=(f"On it! Job #{job.id}: I'm training {describe(params)}. I'll post progress "
                  "here, then the learned weight and bias, a loss plot and TFLite and TF.js "
                  "downloads."),
            json_message={"data": {"type": "job", "job_id": job.id, "skill": neuron.NAME,
                                   "status": "queued"}},
        )
        return []
