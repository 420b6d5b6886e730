"""Read a skill's settings out of a learner's sentence with a small declarative grammar.

Each skill lists its options (a number, a choice among words, an on/off flag, a quoted text)
and the words a learner uses for them; `parse` returns raw values and the skill's pydantic
Params checks the bounds. Same reasons as actions/neuron_request.py: exact, testable, and no
Rasa retraining when an option is added.

Patterns run on RE2 for linear time (see actions/neuron_request.py); RE2 has no look-around, so
"not after/before a word character or dot" is matched as a character class or ^/$.
"""

from dataclasses import dataclass, field

import re2

from actions.neuron_request import MAX_CHARS, NUMBER, TOO_LONG, RequestParseError, _number

LINK = r"\s*(?:=|:|of|to|is|at|as)?\s*"


@dataclass(frozen=True)
class Number:
    """`epochs 20`, `20 epochs`, `dropout=0.3`, `dropout 30%`."""

    field: str
    names: str  # regex alternation of the words for this option
    integer: bool = False
    number_first: bool = True  # also accept "20 epochs"
    named: float | None = None  # the value for "with dropout" (no number); None: Params' default

    def read(self, text: str, raw: dict, named: dict | None = None) -> None:
        after = re2.search(rf"(?i)\b(?:{self.names}){LINK}(?P<n>{NUMBER})(?P<pct>\s*%)?(?:[^\w.]|$)", text)
        before = self.number_first and re2.search(
            rf"(?i)(?:^|[^\w.])(?P<n>{NUMBER})(?P<pct>\s*%)?\s*(?:{self.names})\b", text)
        match = after or before
        if match:
            value = _number(match["n"]) / (100 if match["pct"] else 1)
            raw[self.field] = int(value) if self.integer and float(value).is_integer() else value
        elif (word := re2.search(rf"(?i)\b(?:{self.names})\b", text)) and named is not None:
            # Named without a value ("with seasonality", "more epochs"): a sensible default,
            # which the reply states (actions/train_skill.py), instead of a refusal.
            more = re2.search(rf"(?i)\b(?:more|longer|extra|bigger|larger|high|higher)\s+(?:{self.names})\b", text)
            fewer = re2.search(rf"(?i)\b(?:fewer|less|shorter|smaller|low|lower)\s+(?:{self.names})\b", text)
            named[self.field] = (word[0], self.named, 2.0 if more else 0.5 if fewer else 1.0)


@dataclass(frozen=True)
class Choice:
    """One of several words: `cnn` / `dense`, `bilstm` / `pooling`."""

    field: str
    values: dict[str, str]  # regex -> value

    def read(self, text: str, raw: dict, named: dict | None = None) -> None:
        for pattern, value in self.values.items():
            if re2.search(rf"(?i)\b(?:{pattern})\b", text):
                raw[self.field] = value
                return


@dataclass(frozen=True)
class Flag:
    """`with augmentation` / `augmentation on` -> True; `no augmentation` / `without` -> False."""

    field: str
    names: str

    def read(self, text: str, raw: dict, named: dict | None = None) -> None:
        off = re2.search(rf"(?i)\b(?:no|without|disable|turn off)\s+(?:\w+\s+)?(?:{self.names})\b"
                         rf"|\b(?:{self.names})\s*(?:=|:)?\s*(?:off|false|no)\b", text)
        on = re2.search(rf"(?i)\b(?:{self.names})\b", text)
        if off:
            raw[self.field] = False
        elif on:
            raw[self.field] = True


@dataclass(frozen=True)
class Text:
    """A quoted phrase after one of the names: `seed "in the town of athy"`."""

    field: str
    names: str

    def read(self, text: str, raw: dict, named: dict | None = None) -> None:
        match = re2.search(rf"(?i)\b(?:{self.names})\b{LINK}[\"“'‘](?P<t>[^\"”’]+)[\"”'’]", text)
        match = match or re2.search(rf"(?i)\b(?:{self.names})\b\s*[:=]\s*(?P<t>[^,;]+)", text)
        if match:
            raw[self.field] = match["t"].strip()


@dataclass(frozen=True)
class SkillOptions:
    options: list = field(default_factory=list)

    def parse(self, text: str, named: dict | None = None) -> dict:
        """Raw values by field; options named without a value go to `named` as
        field -> (word, value or None for the default, factor for "more"/"fewer")."""
        if len(text) > MAX_CHARS:
            raise RequestParseError(TOO_LONG)
        raw: dict = {}
        for option in self.options:
            option.read(text, raw, named)
        return raw
