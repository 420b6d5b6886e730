"""Turn a rejected Params into one friendly sentence per problem, naming the limit.

The limits are read from the Params field bounds, so a changed bound changes the message too.
Works for any skill's Params; hello neuron adds wording for its points and rule.
"""

import typing

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, ValidationError

from skills import hello_neuron as neuron

ATTRIBUTE = {Ge: "ge", Gt: "gt", Le: "le", Lt: "lt", MinLen: "min_length", MaxLen: "max_length"}


def bound(params: type[BaseModel], field: str, kind):
    """The field's declared bound of this kind (Ge, Le, ...), or None."""
    for item in params.model_fields[field].metadata:
        if isinstance(item, kind):
            return getattr(item, ATTRIBUTE[kind])
    return None


def _n(value: float) -> str:
    return f"{value:,g}" if value < 1e6 else f"{value:,.0f}"


def field_limit(params: type[BaseModel], field: str) -> str:
    """'Epochs must be a whole number from 1 to 50', read off the field's declaration."""
    info = params.model_fields[field]
    name = field.replace("_", " ").capitalize()
    if typing.get_origin(info.annotation) is typing.Literal:
        return f"{name} must be one of: {', '.join(map(str, typing.get_args(info.annotation)))}"
    low = bound(params, field, Ge)
    above = bound(params, field, Gt)
    high = bound(params, field, Le)
    below = bound(params, field, Lt)
    longest = bound(params, field, MaxLen)
    whole = "a whole number " if info.annotation is int else ""
    if low is not None and high is not None:
        return f"{name} must be {whole}from {_n(low)} to {_n(high)}"
    if above is not None and high is not None:
        return f"{name} must be above {_n(above)} and at most {_n(high)}"
    if low is not None and below is not None:
        return f"{name} must be at least {_n(low)} and below {_n(below)}"
    if longest is not None:
        return f"{name} can be at most {longest:,} characters"
    return f"That {field.replace('_', ' ')} is not something I can use"


def neuron_limits() -> dict[str, str]:
    value = _n(neuron.MAX_ABS_VALUE)
    p = neuron.Params
    return {
        "epochs": field_limit(p, "epochs"),
        "learning_rate": field_limit(p, "learning_rate"),
        "points": (f"I can fit between {bound(p, 'points', MinLen)} and {bound(p, 'points', MaxLen)} "
                   f"points, each within ±{value}"),
        "rule": f"Keep the rule's numbers within ±{value}",
    }


def _shown(value) -> str:
    if isinstance(value, list):
        return f"{len(value)} points"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return f"{len(value):,} characters" if len(value) > 40 else repr(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def explain(error: ValidationError, raw: dict, params: type[BaseModel] = neuron.Params,
            what: str = "train") -> str:
    known = neuron_limits() if params is neuron.Params else {}
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "points"
        if field in known:
            limit = known[field]
        elif field in params.model_fields:
            limit = field_limit(params, field)
        else:
            limit = "That setting is out of range"
        if field in raw and field != "rule":
            lines.append(f"{limit}; you asked for {_shown(raw[field])}.")
        else:
            lines.append(f"{limit}.")
    # One line per field is enough, in the order the learner will read them.
    unique = list(dict.fromkeys(lines))
    return " ".join(unique) + f" Nothing was started; tell me new settings and I'll {what}."
