"""action_train_neuron: chat text -> validated hello-neuron params -> a queued job, answered at once."""

from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.neuron_request import RequestParseError, parse_neuron_request
from actions.queueing import queue
from actions.refusals import explain
from skills import hello_neuron as neuron


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

        queue(dispatcher, tracker, neuron.NAME, params.model_dump(mode="json"),
              f"I'm training {describe(params)}. I'll post progress here, then the learned "
              "weight and bias, a loss plot and TFLite and TF.js downloads.")
        return []
