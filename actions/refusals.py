"""Turn a rejected Params into one friendly sentence per problem, naming the limit."""

from pydantic import ValidationError

from skills import hello_neuron as neuron

LIMITS = {
    "epochs": "Epochs must be a whole number from 1 to 5,000",
    "learning_rate": "The learning rate must be above 0 and at most 1",
    "points": f"I can fit between 2 and {neuron.MAX_POINTS} points, each within ±{neuron.MAX_ABS_VALUE:g}",
    "rule": f"Keep the rule's numbers within ±{neuron.MAX_ABS_VALUE:g}",
}


def _shown(value) -> str:
    if isinstance(value, list):
        return f"{len(value)} points"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def explain(error: ValidationError, raw: dict) -> str:
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "points"
        limit = LIMITS.get(field, "That setting is out of range")
        if field in raw and field != "rule":
            lines.append(f"{limit}; you asked for {_shown(raw[field])}.")
        else:
            lines.append(f"{limit}.")
    # One line per field is enough, in the order the learner will read them.
    unique = list(dict.fromkeys(lines))
    return " ".join(unique) + " Nothing was started; tell me new settings and I'll train."
