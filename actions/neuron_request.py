"""Read hello-neuron settings out of a learner's sentence.

Why a small grammar instead of Rasa entities: numbers with words ("10 million epochs", "1e-2"),
signed rules ("y = -0.5x + 3") and point lists are exact to parse and easy to test, but a learned
extractor mislabels them; a grammar also needs no retraining. Rasa still decides the intent.
The result is raw values; skills.hello_neuron.Params checks the bounds.

The patterns run on RE2 (google-re2), whose matching time is linear in the message for any
pattern: Python's backtracking `re` took 0.4 s on 2,000 digits and grew with the square of the
length (issue 14). RE2 has no look-around, so a boundary is matched as a character (or ^/$).
Text longer than MAX_CHARS is refused here too, because `/intent{...}` payloads skip NLU
(docs/decisions.md, D29).
"""

import re2

NUMBER = r"[-+]?(?:\d[\d,_]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?"
MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mio": 1e6, "billion": 1e9, "bn": 1e9}

MAX_CHARS = 2000  # the chat cap (issue 14): longer messages are refused, not cut
TOO_LONG = f"That message is too long for me; paste at most {MAX_CHARS:,} characters."

EPOCHS = re2.compile(
    rf"(?i)(?:(?P<n>{NUMBER})\s*(?P<mult>k|thousand|million|mio|m|billion|bn)?\s*(?:epochs?|iterations?|rounds?)\b"
    rf"|\bepochs?\s*(?:=|:|of|to|is)?\s*(?P<n2>{NUMBER})\s*(?P<mult2>k|thousand|million|mio|m|billion|bn)?\b)",
)
EPOCHS_WORD = re2.compile(r"(?i)\bepochs?\b")
LEARNING_RATE = re2.compile(  # (?:\W|$): the number ends at a non-word character
    rf"(?i)\b(?:learning[ _-]?rate|lr|step[ _-]?size)\s*(?:=|:|of|to|is|at)?\s*(?P<n>{NUMBER})(?:\W|$)"
)
LEARNING_RATE_WORD = re2.compile(r"(?i)\b(?:learning[ _-]?rate|lr)\b")
RULE = re2.compile(
    r"(?i)\by\s*=\s*(?P<w>[-+]?\s*(?:\d*\.?\d+)?)\s*\*?\s*x\b(?:\s*(?P<sign>[-+])\s*(?P<b>\d*\.?\d+))?",
)
POINT = re2.compile(rf"\(\s*(?P<x>{NUMBER})\s*[,;]\s*(?P<y>{NUMBER})\s*\)")


class RequestParseError(ValueError):
    """The sentence names a setting but its value cannot be read; the message says which."""


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


def parse_neuron_request(text: str) -> dict:
    """Raw settings found in `text`; settings not mentioned are left to the skill's defaults."""
    if len(text) > MAX_CHARS:
        raise RequestParseError(TOO_LONG)
    raw: dict = {}

    if match := EPOCHS.search(text):
        number = match["n"] or match["n2"]
        mult = (match["mult"] or match["mult2"] or "").lower()
        value = _number(number) * MULTIPLIERS.get(mult, 1)
        raw["epochs"] = int(value) if float(value).is_integer() else value
    elif EPOCHS_WORD.search(text) and re2.search(r"\d", text) is None:
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
