"""The coaching sentence about the learner's own data, added to a skill's usual coaching.

A skill's coaching reads its curves (vision.diagnose, timeseries.summarise, ...); on an upload
the data itself is often the reason for the result, so this adds what the data says: unbalanced
classes or labels, too few examples per class, a series short against its window. Thresholds
match what the intake already warned about before training (uploads/images.py), so the learner
hears the same warning before and after. Pure functions over counts: no TensorFlow.
"""

from collections.abc import Mapping, Sequence

FEW_SHARE = 0.5  # a class with under half the largest class's examples is unbalanced (as the intake)
FEW_IMAGES = 20  # fewer images than this in a class are too few (as the intake)
FEW_TEXT_ROWS = 200  # rows per label under this teach few words
LONG_SERIES = 1000  # the book's series has 1,461 values; shorter ones give few windows


def _listing(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def images(counts: Mapping[str, int], accuracy: Mapping[str, float] | None = None) -> str | None:
    """"Your data: birds has only 12 images (cats 40, dogs 38, birds 12) ..." or None."""
    if not counts:
        return None
    largest = max(counts.values())
    small = [name for name, n in counts.items() if n < FEW_IMAGES or n < FEW_SHARE * largest]
    if not small:
        return None
    weakest = min(small, key=lambda name: counts[name])
    unbalanced = counts[weakest] < FEW_SHARE * largest
    why = ("the classes are unbalanced, so the model sees it least and leans towards the big classes"
           if unbalanced else "too few for a model to learn what it looks like")
    scored = ""
    if accuracy and weakest in accuracy:
        scored = f"; its validation accuracy was {accuracy[weakest]:.2f}"
    target = max(FEW_IMAGES, int(FEW_SHARE * largest) + 1)
    return (f"Your data: {weakest} has only {counts[weakest]} images ({_listing(counts)}): {why}"
            f"{scored}. Add {weakest} images, {target} or more, and train again.")


def series(rows: int, window: int, train_windows: int, gaps: int = 0, uploaded_rows: int = 0) -> str | None:
    """"Your series has only 300 values ..." for a short series, the filled gaps, and the part of
    a long series that trained (`uploaded_rows` > rows), or None."""
    said = []
    if uploaded_rows > rows:
        said.append(f"I trained on the last {rows:,} of your {uploaded_rows:,} values, so a training "
                    "stays within the time limit; older values did not count.")
    if rows < LONG_SERIES:
        said.append(f"Your series has only {rows} values, so the models learned from {train_windows} "
                    f"windows of {window}: a longer history ({LONG_SERIES:,} values or more) gives "
                    "them more of its pattern to learn, and a window much shorter than the series "
                    "gives more windows.")
    if gaps:
        said.append(f"{gaps} empty {'cell was' if gaps == 1 else 'cells were'} filled in between "
                    "their neighbours, so forecasts there are partly guesses.")
    return " ".join(said) or None


def text(labels: Sequence[str], counts: Sequence[int]) -> str | None:
    """"Your labels are unbalanced: ..." and "only 60 rows of spam ...", or None."""
    said = []
    total = sum(counts)
    majority = max(range(len(counts)), key=lambda i: counts[i])
    minority = 1 - majority
    if total and counts[minority] < FEW_SHARE * counts[majority]:
        said.append(f"Your labels are unbalanced ({labels[0]} {counts[0]}, {labels[1]} {counts[1]}): "
                    f"always answering {labels[majority]} would already score "
                    f"{counts[majority] / total:.0%}, so judge the accuracy against that.")
    if counts[minority] < FEW_TEXT_ROWS:
        said.append(f"Your data has only {counts[minority]} rows of {labels[minority]}, so the model "
                    f"meets few of its words; {FEW_TEXT_ROWS} or more rows per label make it steadier.")
    return " ".join(said) or None
