"""Reading a learner's short answer fairly (issue 16): the words normalised, the answer found
inside a sentence ("oh wait, y = 2x - 1", "I think it's relu"), numbers compared by value whether
written in digits or words ("ten"), and linear formulas in x compared as formulas
(`y=2x-1`, `2x - 1`, `y = -1 + 2x`).

Formulas are read by the small parser below, never by eval (sympy's `parse_expr` evals its
input): an answer field only ever holds a number times x plus a number. Number words are the
few dozen a quiz answer needs, mapped here rather than through a dependency (text2num and
word2number parse far more than a quiz needs; docs/decisions.md, D32).
"""

import re
import unicodedata
from fractions import Fraction

UNITS = {word: n for n, word in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
TENS = {word: 10 * n for n, word in enumerate(
    ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if word}
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_TENS = "|".join(TENS)
# "ten", "twenty-one", "forty two", "three hundred": the numbers a quiz answer is written with.
NUMBER_WORD = re.compile(rf"\b(?:(?:{_TENS})(?:[\s-]+(?:{_UNIT}))?|{_UNIT})(?:\s+hundred)?\b")
# Words right before an answer that turn it round ("not relu", "it isn't 4").
NEGATIONS = {"not", "no", "never", "nor", "isn", "isnt", "aren", "arent", "wasn", "wasnt"}
TOKEN = re.compile(r"(?:-\s*)?\d+(?:\.\d+)?|[^\W\d_]+")
FORMULA_SPAN = re.compile(r"[0-9xy.+\-*/()=\s]+")  # maximal runs: linear, no backtracking
MAX_FORMULA = 120  # characters: a quiz formula is short, and the parser recurses on brackets


def plain_dashes(text: str) -> str:
    """Typographic minus signs and dashes (what phones and word processors type) as '-'."""
    return re.sub("[\u2010-\u2015\u2212\ufe63\uff0d]", "-", text)


def _words_value(words: str) -> int:
    total = 0
    for word in re.findall(r"[a-z]+", words):
        if word == "hundred":
            total *= 100
        else:
            total += UNITS.get(word, TENS.get(word, 0))
    return total


def digits(text: str) -> str:
    """The text with number words written as digits ("ten" -> "10", "twenty one" -> "21")."""
    return NUMBER_WORD.sub(lambda match: str(_words_value(match.group())), text)


def clean(text: str) -> str:
    """NFKC, plain dashes, case folded, number words as digits: what every comparison reads."""
    return digits(plain_dashes(unicodedata.normalize("NFKC", text)).casefold())


def tokens(text: str) -> list[str]:
    """Words and numbers; a minus sign before a number stays on it ("-1" is not "1")."""
    return [re.sub(r"\s+", "", token) for token in TOKEN.findall(clean(text))]


def normalize_answer(text: str) -> str:
    """A short answer as compared with `accept`: case, spaces and punctuation ignored, but a minus
    sign before a number and a decimal point inside one are kept ("y = 2x - 1" == "Y=2X-1")."""
    return "".join(tokens(text))


def contains(text: str, phrase: str) -> bool:
    """Whether the phrase's words come in a row in the text, not right after a negation."""
    words, wanted = tokens(text), tokens(phrase)
    if not wanted:
        return False
    for start in range(len(words) - len(wanted) + 1):
        if words[start:start + len(wanted)] == wanted and not NEGATIONS & set(words[max(0, start - 2):start]):
            return True
    return False


# ---- numbers -----------------------------------------------------------------------------------

def number(text: str) -> Fraction | None:
    """The value of a text that is only a number ("4", "4.0", "four", "-1")."""
    found = tokens(text)
    if len(found) == 1 and re.fullmatch(r"-?\d+(?:\.\d+)?", found[0]):
        return Fraction(found[0])
    return None


def numbers(text: str) -> list[Fraction]:
    return [Fraction(token) for token in tokens(text) if re.fullmatch(r"-?\d+(?:\.\d+)?", token)]


def says_number(text: str, value: Fraction) -> bool:
    """The reply gives this number as its answer: its only number or its last one
    ("(2 + 4 + 6) / 3 = 4"), not negated ("not 4")."""
    words = tokens(text)
    places = [i for i, token in enumerate(words) if re.fullmatch(r"-?\d+(?:\.\d+)?", token)]
    if not places or Fraction(words[places[-1]]) != value:
        return False
    return not NEGATIONS & set(words[max(0, places[-1] - 2):places[-1]])


# ---- linear formulas in x ----------------------------------------------------------------------

Linear = tuple[Fraction, Fraction]  # (a, b) of a*x + b


class _Parser:
    """expr := term (('+'|'-') term)* ; term := factor (['*'|'/'] factor)* ; factor := ['-'|'+']
    (number | x | '(' expr ')'). Products of two x terms are not linear: None."""

    def __init__(self, text: str):
        self.items = re.findall(r"\d+(?:\.\d+)?|[x()+\-*/]", text)
        self.complete = "".join(self.items) == text  # nothing left out, such as a stray "."
        self.at = 0

    def parse(self) -> Linear | None:
        if not self.complete:
            return None
        try:
            value = self.expr()
        except (ValueError, ZeroDivisionError, IndexError):
            return None
        return value if self.at == len(self.items) else None

    def peek(self) -> str | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> str:
        self.at += 1
        return self.items[self.at - 1]

    def expr(self) -> Linear:
        a, b = self.term()
        while self.peek() in ("+", "-"):
            sign = 1 if self.take() == "+" else -1
            c, d = self.term()
            a, b = a + sign * c, b + sign * d
        return a, b

    def term(self) -> Linear:
        a, b = self.factor()
        while self.peek() in ("*", "/") or self.peek() == "x" or self.peek() == "(" \
                or (self.peek() or "")[:1].isdigit():
            operator = self.take() if self.peek() in ("*", "/") else "*"
            c, d = self.factor()
            if operator == "/":
                if c != 0:
                    raise ValueError("division by x")
                a, b = a / d, b / d
            elif a != 0 and c != 0:
                raise ValueError("x times x is not linear")
            else:
                a, b = a * d + c * b, b * d
        return a, b

    def factor(self) -> Linear:
        token = self.take()
        if token in ("-", "+"):
            a, b = self.factor()
            return (-a, -b) if token == "-" else (a, b)
        if token == "x":
            return Fraction(1), Fraction(0)
        if token == "(":
            value = self.expr()
            if self.take() != ")":
                raise ValueError("unclosed bracket")
            return value
        if token[:1].isdigit():
            return Fraction(0), Fraction(token)
        raise ValueError(f"unexpected {token}")


def formula(text: str) -> Linear | None:
    """a*x + b for a formula in x, with or without "y =" in front; None for anything else."""
    text = plain_dashes(unicodedata.normalize("NFKC", text)).casefold().replace("×", "*")
    text = re.sub(r"^\s*y\s*=", "", text)
    if "x" not in text or len(text) > MAX_FORMULA or re.search(r"[^0-9x.+\-*/()\s]", text):
        return None
    return _Parser(re.sub(r"\s+", "", text)).parse()


def formulas_in(text: str) -> list[Linear]:
    """Every formula in x found in a sentence ("oh wait, y = 2x - 1" has one)."""
    text = plain_dashes(unicodedata.normalize("NFKC", text)).casefold()
    found = []
    for span in FORMULA_SPAN.findall(text):
        span = span.strip(" =(").lstrip(")")  # "y = 2x - 1 (I think)": the bracket is prose
        parsed = formula(span) if "x" in span and span != "x" and len(span) <= MAX_FORMULA else None
        if parsed is not None and parsed[0] != 0:
            found.append(parsed)
    return found


# ---- one accepted answer against a reply -------------------------------------------------------

def matches(item: str, reply: str) -> bool:
    """Whether a reply gives this accepted answer: the same formula, the same number, or the same
    words somewhere in the sentence."""
    if normalize_answer(item) == normalize_answer(reply):
        return True
    wanted = formula(item)
    if wanted is not None and wanted[0] != 0:
        found = formulas_in(reply)
        return bool(found) and all(candidate == wanted for candidate in found)
    value = number(item)
    if value is not None:
        return says_number(reply, value)
    return contains(reply, item)


def reveals(text: str, answer: str) -> bool:
    """Whether a text gives this answer away: its words, or the same formula, appear in it."""
    wanted = formula(answer)
    if wanted is not None and wanted[0] != 0:
        return wanted in formulas_in(text)
    return contains(text, answer)


def gives_away(step, text: str) -> bool:
    """Whether a text said while this question is open (an FAQ answer) names its answer: an
    accepted answer or correct option (not a bare number), or one of the author's `avoid` words."""
    return any(reveals(text, phrase) for phrase in step.giveaways())
