"""Read hello-neuron settings out of a learner's sentence.

Why a small grammar instead of Rasa entities: numbers with words ("10 million epochs", "1e-2"),
signed rules ("y = -0.5x + 3") and point lists are exact to parse and easy to test, but a learned
extractor mislabels them; a grammar also needs no retraining. Rasa still decides the intent.
The result is raw values; skills.hello_neuron.Params checks the bounds.
"""

import re

NUMBER = r"[-+]?(?:\d[\d,_]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?"
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mio": 1e6, "billion": 1e9, "bn": 1e9}

EPOCHS = re.compile(
    rf"(?:(?P<n>{NUMBER})\s*(?P<mult>k|thousand|million|mio|m|billion|bn)?\s*(?:epochs?|iterations?|rounds?)\b"
    rf"|\bepochs?\s*(?:=|:|of|to|is)?\s*(?P<n2>{NUMBER})\s*(?P<mult2>k|thousand|million|mio|m|billion|bn)?\b)",
    re.I,
)
EPOCHS_WORD = re.compile(r"\bepochs?\b", re.I)
LEARNING_RATE = re.compile(
    rf"\b(?:learning[ _-]?rate|lr|step[ _-]?size)\s*(?:=|:|of|to|is|at)?\s*(?P<n>{NUMBER})(?!\w)", re.I
)
LEARNING_RATE_WORD = re.compile(r"\b(?:learning[ _-]?rate|lr)\b", re.I)
RULE = re.compile(
    r"\by\s*=\s*(?P<w>[-+]?\s*(?:\d*\.?\d+)?)\s*\*?\s*x\b(?:\s*(?P<sign>[-+])\s*(?P<b>\d*\.?\d+))?",
    re.I,
)
POINT = re.compile(rf"\(\s*(?P<x>{NUMBER})\s*[,;]\s*(?P<y>{NUMBER})\s*\)")


class RequestParseError(ValueError):
    """The sentence names a setting but its value cannot be read; the message says which."""


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


def parse_neuron_request(text: str) -> dict:
    """Raw settings found in `text`; settings not mentioned are left to the skill's defaults."""
    raw: dict = {}

    if match := EPOCHS.search(text):
        number = match["n"] or match["n2"]
        mult = (match["mult"] or match["mult2"] or "").lower()
        value = _number(number) * MULTIPLIERS.get(mult, 1)
        raw["epochs"] = int(value) if float(value).is_integer() else value
    elif EPOCHS_WORD.search(text) and re.search(r"\d", text) is None:
        raise RequestParseError(
            "I couldn't read how many epochs you want. Say a number, like \"for 300 epochs\"."
        )

    if match := LEARNING_RATE.search(text):
        raw["learning_rate"] = _number(match["n"])
    elif LEARNING_RATE_WORD.search(text):
        raise RequestParseError(
            "I couldn't read the learning rate. Give it as a number, like \"learning rate 0.05\"."
        )

    points = [(_number(m["x"]), _number(m["y"])) for m in POINT.finditer(text)]
    if points:
        raw["points"] = points
    elif match := RULE.search(text):
        weight_text = match["w"].replace(" ", "")
        weight = {"": 1.0, "+": 1.0, "-": -1.0}.get(weight_text)
        weight = float(weight_text) if weight is None else weight
        bias = float(match["b"]) if match["b"] else 0.0
        raw["rule"] = {"weight": weight, "bias": -bias if match["sign"] == "-" else bias}
    return raw
