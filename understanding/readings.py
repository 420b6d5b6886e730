"""Numbers a learner quotes from a training log, read as the symptom they show.

"training acc 99.8% validation acc around 72%" says overfitting to anyone who trains models, but
to a sentence encoder it is mostly numbers, and it landed near "accuracy stuck at 10%". Here
each clause's split (training, validation, test) and metric (accuracy, loss) are paired with the
number quoted in it, and the comparison they show (training accuracy far above validation) lifts
the entries that explain it. Adding the comparison in words to the embedded text was tried first
and moved nothing: MiniLM reads "training much higher than validation" and its reverse alike.
Nothing is read when the message does not quote both splits of one metric.
"""

import re

CLAUSE = re.compile(r"[,;!?\n]+|\.(?=\s|$)|\b(?:and|but|while|whereas|though|vs\.?|versus)\b", re.I)
SPLIT = re.compile(r"\b(?:(?P<train>train(?:ing)?|trn)|(?P<held>val(?:id(?:ation)?)?|valdiation|vaildation|valiation|"
                   r"validaton|dev|test(?:ing)?|hold-?out))\b", re.I)
KERAS = re.compile(r"\b(val_)?(loss|acc(?:uracy)?)\s*[:=]\s*(\d+(?:\.\d+)?)", re.I)  # "val_loss: 0.41"
LOSS = re.compile(r"\bloss\b", re.I)
ACCURACY = re.compile(r"\bacc(?:uracy)?\b|%|\bpercent\b", re.I)
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?|\.\d+)\s*(%|percent\b)?", re.I)

GAP = 0.1  # accuracy points between training and validation that read as a gap, not noise
# The knowledge-base entries that explain each comparison (tests check that they exist); the
# router lifts them by READING_BONUS and the message's words pick among them.
EXPLAINED_BY = {
    "accuracy_gap": ("overfitting", "sym-train-perfect-test-bad", "sym-text-model-overfits", "s-nlp-overfitting"),
    "validation_above": ("sym-val-above-train",),
    "loss_gap": ("sym-val-loss-rising", "overfitting", "sym-text-model-overfits", "s-nlp-overfitting"),
}
# ...and the entries the numbers rule out: a model at 99% on its training data is not guessing.
RULED_OUT = {
    "accuracy_gap": ("sym-chance-accuracy", "sym-underfitting", "sym-val-above-train"),
    "validation_above": ("sym-train-perfect-test-bad",),
    "loss_gap": ("sym-val-above-train",),
}
READING_BONUS = 0.12


def _value(match: re.Match) -> float:
    value = float(match.group(1))
    return value / 100 if match.group(2) or value > 1 else value


def quoted(text: str) -> dict[tuple[str, str], float]:
    """(split, metric) -> the first number quoted for it, accuracies as fractions."""
    text = text[:600]
    found: dict[tuple[str, str], float] = {}
    for m in KERAS.finditer(text):  # a pasted Keras progress line
        metric = "loss" if m.group(2).lower() == "loss" else "accuracy"
        found.setdefault(("validation" if m.group(1) else "train", metric), float(m.group(3)))
    if any(split == "validation" for split, _ in found):
        return found
    named = None  # "training accuracy 99% but validation hovers around 70": the metric named last carries over
    for clause in CLAUSE.split(text):
        for split, segment in _segments(clause or ""):
            number = NUMBER.search(segment)
            metric = "loss" if LOSS.search(segment) else "accuracy" if ACCURACY.search(segment) else named
            named = metric
            if number is None or metric is None or (metric == "accuracy" and not 0 <= _value(number) <= 1):
                continue
            found.setdefault((split, metric), _value(number) if metric == "accuracy" else float(number.group(1)))
    return found


def _segments(clause: str) -> list[tuple[str, str]]:
    """A clause cut at each split it names ("train acc 99% val acc 72%"): (split, its words).
    Words before the first split belong to it ("100% on training")."""
    marks = list(SPLIT.finditer(clause))
    return [("train" if m.group("train") else "validation",
             clause[0 if i == 0 else m.start():marks[i + 1].start() if i + 1 < len(marks) else len(clause)])
            for i, m in enumerate(marks)]


def reading(text: str) -> str | None:
    """The comparison the quoted numbers show (a key of EXPLAINED_BY), or None."""
    numbers = quoted(text)
    train, held = numbers.get(("train", "accuracy")), numbers.get(("validation", "accuracy"))
    if train is not None and held is not None:
        if train - held >= GAP:
            return "accuracy_gap"
        if held - train >= 0.03:
            return "validation_above"
    train, held = numbers.get(("train", "loss")), numbers.get(("validation", "loss"))
    if train is not None and held is not None and held > 1.5 * train + 0.05:
        return "loss_gap"
    return None


def lift(scores, rows: dict[str, int], text: str) -> None:
    """Raise the entries that explain the comparison a message's numbers show, lower those it
    rules out (`rows`: each entry's index in `scores`)."""
    shown = reading(text)
    if shown:
        for entry_id in EXPLAINED_BY[shown]:
            if entry_id in rows:
                scores[rows[entry_id]] += READING_BONUS
        for entry_id in RULED_OUT[shown]:
            if entry_id in rows:
                scores[rows[entry_id]] -= READING_BONUS
