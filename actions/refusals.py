"""Turn a rejected Params into one friendly sentence per problem, naming the limit.

The limits are read from the Params field bounds, so a changed bound changes the message too.
"""

from annotated_types import Ge, Gt, Le, MaxLen, MinLen
from pydantic import ValidationError

from skills import hello_neuron as neuron


ATTRIBUTE = {Ge: "ge", Gt: "gt", Le: "le", MinLen: "min_length", MaxLen: "max_length"}


def _bound(field: str, kind) -> float:
    for item in neuron.Params.model_fields[field].metadata:
        if isinstance(item, kind):
            return getattr(item, ATTRIBUTE[kind])
    raise LookupError(f"{field} has no {kind.__name__} bound")


def _n(value: float) -> str:
    return f"{value:,g}" if value < 1e6 else f"{value:,.0f}"


def limits() -> dict[str, str]:
    value = _n(neuron.MAX_ABS_VALUE)
    return {
        "epochs": f"Epochs must be a whole number from {_n(_bound('epochs', Ge))} to {_n(_bound('epochs', Le))}",
        "learning_rate": (f"The learning rate must be above {_n(_bound('learning_rate', Gt))} "
                          f"and at most {_n(_bound('learning_rate', Le))}"),
        "points": (f"I can fit between {_bound('points', MinLen)} and {_bound('points', MaxLen)} "
                   f"points, each within ±{value}"),
        "rule": f"Keep the rule's numbers within ±{value}",
    }


def _shown(value) -> str:
    if isinstance(value, list):
        return f"{len(value)} points"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def explain(error: ValidationError, raw: dict) -> str:
    known = limits()
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "points"
        limit = known.get(field, "That setting is out of range")
        if field in raw and field != "rule":
            lines.append(f"{limit}; you asked for {_shown(raw[field])}.")
        else:
            lines.append(f"{limit}.")
    # One line per field is enough, in the order the learner will read them.
    unique = list(dict.fromkeys(lines))
    return " ".join(unique) + " Nothing was started; tell me new settings and I'll train."
