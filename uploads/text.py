"""Labelled texts for the sentiment skill, from a CSV/TSV table or JSON lines: a text column and a
label column with exactly two labels, at least MIN_ROWS rows, each text at most MAX_TEXT_CHARS."""

import json

from uploads.contract import TEXT_FILE, TextMeta
from uploads.normalised import Normalised, UploadRefused, plural
from uploads.tables import MAX_ROWS, MIN_ROWS, Table, is_number

MAX_TEXT_CHARS = 2000
MAX_LABELS_SHOWN = 5
TEXT_NAMES = ("text", "review", "sentence", "comment", "headline", "message", "tweet", "content")
LABEL_NAMES = ("label", "sentiment", "class", "target", "y", "is_sarcastic", "category", "polarity")
# Label spellings read as "the negative one" (label 0); the other label is 1.
NEGATIVE = {"0", "neg", "negative", "bad", "no", "false", "-1", "not_sarcastic", "ham", "n"}
UNBALANCED_SHARE = 0.3


def _is_prose(cells: list[str]) -> bool:
    sample = [c for c in cells[:500] if c]
    if not sample:
        return False
    wordy = sum(1 for c in sample if " " in c and not is_number(c))
    return wordy / len(sample) >= 0.5


def columns(table: Table) -> tuple[int, int] | None:
    """(text column, label column) if the table is labelled texts, else None."""
    names = [h.strip().lower() for h in table.header]
    prose = [n for n in range(len(names)) if _is_prose(table.column(n))]
    if not prose:
        return None
    text = next((n for n in prose if names[n] in TEXT_NAMES), prose[0])
    others = [n for n in range(len(names)) if n != text]
    label = next((n for n in others if names[n] in LABEL_NAMES), None)
    if label is None:
        label = next((n for n in others if len({c for c in table.column(n) if c}) <= 10), None)
    return (text, label) if label is not None else None


def from_table(table: Table, text: int, label: int) -> Normalised:
    pairs = [(row[text], row[label]) for row in table.rows]
    return labelled(pairs, table.header[text], table.header[label])


def from_jsonl(data: str) -> Normalised:
    """JSON lines: objects with a text field and a label field (as in the sarcasm data set)."""
    rows: list[dict[str, object]] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise UploadRefused(f"Line {number} is not JSON; every line must be one JSON object.") from None
        if not isinstance(row, dict):
            raise UploadRefused(f"Line {number} is not a JSON object like {{\"text\": ..., \"label\": ...}}.")
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise UploadRefused(f"This file has more than {MAX_ROWS:,} lines; I take at most {MAX_ROWS:,}.")
    keys = list(rows[0]) if rows else []
    text_key = next((k for k in keys if k.lower() in TEXT_NAMES), None)
    label_key = next((k for k in keys if k.lower() in LABEL_NAMES), None)
    if text_key is None or label_key is None:
        found = ", ".join(keys) or "none"
        raise UploadRefused("Each line needs a text field (\"text\", \"headline\", \"review\", ...) and a "
                            f"label field (\"label\", \"sentiment\", ...); the first line has {found}.")
    pairs = [(str(row.get(text_key) or "").strip(), str(row.get(label_key, "")).strip()) for row in rows]
    return labelled(pairs, text_key, label_key)


def _order(labels: set[str]) -> list[str]:
    """[label 0, label 1]: the one spelled like "negative" first, else in sorted order."""
    ordered = sorted(labels)
    negative = [name for name in ordered if name.lower() in NEGATIVE]
    return negative[:1] + [name for name in ordered if name not in negative[:1]] if negative else ordered


def labelled(pairs: list[tuple[str, str]], text_name: str, label_name: str) -> Normalised:
    kept = [(t, lab) for t, lab in pairs if t and lab]
    skipped = len(pairs) - len(kept)
    labels = {lab for _, lab in kept}
    if len(labels) != 2:
        shown = ", ".join(sorted(labels)[:MAX_LABELS_SHOWN]) + (", ..." if len(labels) > MAX_LABELS_SHOWN else "")
        raise UploadRefused(f"The label column \"{label_name}\" has {plural(len(labels), 'label')} ({shown}); "
                            "only two are supported (for example negative and positive).")
    if len(kept) < MIN_ROWS:
        raise UploadRefused(f"This file has {plural(len(kept), 'labelled text')}; I need at least {MIN_ROWS} "
                            "to train and validate a classifier.")
    long = next((n for n, (t, _) in enumerate(kept, start=1) if len(t) > MAX_TEXT_CHARS), None)
    if long is not None:
        raise UploadRefused(f"Text {long} is {len(kept[long - 1][0]):,} characters long; I take texts of "
                            f"at most {MAX_TEXT_CHARS:,} characters. Shorten or split it.")
    names = _order(labels)
    lines = [json.dumps({"text": t, "label": names.index(lab)}) + "\n" for t, lab in kept]
    counts = [sum(1 for _, lab in kept if lab == name) for name in names]
    meta: TextMeta = {"labels": names, "rows": len(kept), "counts": counts}
    summary = (f"{plural(len(kept), 'labelled text')} from column \"{text_name}\": "
               f"{names[0]} {counts[0]:,}, {names[1]} {counts[1]:,} (I read \"{names[0]}\" as 0 and "
               f"\"{names[1]}\" as 1).")
    if skipped:
        summary += f" {plural(skipped, 'row')} without a text or label skipped."
    if min(counts) < UNBALANCED_SHARE * len(kept):
        rare = names[counts.index(min(counts))]
        summary += f" \"{rare}\" is rare; I'll warn you about it."
    return Normalised(kind="text", summary=summary, meta=dict(meta),
                      files={TEXT_FILE: "".join(lines).encode()})
