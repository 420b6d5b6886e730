"""The FAQ knowledge base: AMA items (verbatim answers) and concept items (our own words).

Loaded from data/faq/: ama.yml (generated from the archive), ama_paraphrases.yml (extra ways to
ask each AMA question) and kb/*.yml (concepts, symptoms, pasted errors, Keras API, careers; one
file per area, format in kb/README.md). Read at start-up by whoever needs it; nothing at import.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "faq"
TOPIC_LENGTH = 60
CHAPTERS = range(1, 21)  # the book has 20 chapters
NON_CHAPTERS = ("career", "about")  # entries outside the book's chapters


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str  # "ama" | "concept"
    topic: str  # short title for "did you mean" buttons
    questions: tuple[str, ...]  # every indexed phrasing: plain questions, then symptoms
    answer: str
    asker: str | None = None  # AMA only
    offer: str | None = None  # what to say to see it run (concepts with a skill)
    chapter: int | str | None = None
    symptoms: tuple[str, ...] = ()  # the subset of questions that describe a symptom
    errors: tuple[str, ...] = ()  # error messages this entry explains, as TensorFlow prints them
    written_by: str | None = None  # "staff": written on the staff page (faq/staff.py)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TOPIC_LENGTH else text[: TOPIC_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _texts(item: dict, key: str, where: str) -> tuple[str, ...]:
    values = item.get(key) or []
    bad = [v for v in values if not isinstance(v, str) or not v.strip()]
    if bad or not isinstance(values, list):
        raise ValueError(f"{where}: every item of {key!r} must be text "
                         f"(quote a line containing ': '), got {bad or values!r}")
    return tuple(values)


BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|\||#|>|```)")


def reflow(answer: str) -> str:
    """An answer's paragraphs as single lines: the widget renders every newline as a break
    (marked with breaks: true) and Slack keeps them too, so a YAML answer wrapped at 100 columns
    read as chopped lines. Code fences, list items, tables, headings and blank lines stay as they
    are. (mdformat --wrap=no also unwraps, but rewrites escapes and list markers.)"""
    out: list[str] = []
    code = False
    for line in answer.split("\n"):
        fence = line.lstrip().startswith("```")
        previous = out[-1] if out else ""
        joins = (not code and not fence and line.strip() and previous.strip() and not BLOCK_START.match(line)
                 and not previous.lstrip().startswith(("```", "|", "#")))
        if joins:
            out[-1] = f"{previous.rstrip()} {line.strip()}"
        else:
            out.append(line)
        code = code != fence
    return "\n".join(out)


def concept(item: dict, where: str) -> Entry:
    """One kb/*.yml item, checked: a broken entry names its file and id."""
    where = f"{where}: {item.get('id', '?')}"
    for key in ("id", "topic", "answer"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"{where}: {key!r} must be non-empty text")
    chapter = item.get("chapter")
    if chapter is not None and chapter not in CHAPTERS and chapter not in NON_CHAPTERS:
        raise ValueError(f"{where}: chapter must be 1-20 or one of {NON_CHAPTERS}, got {chapter!r}")
    questions, symptoms = _texts(item, "questions", where), _texts(item, "symptoms", where)
    return Entry(id=item["id"], kind="concept", topic=item["topic"], questions=questions + symptoms,
                 answer=reflow(item["answer"].strip()), offer=item.get("offer"), chapter=chapter,
                 symptoms=symptoms, errors=_texts(item, "errors", where),
                 written_by=item.get("written_by"))


def load(data_dir: Path = DATA) -> list[Entry]:
    ama = yaml.safe_load((data_dir / "ama.yml").read_text(encoding="utf-8"))["items"]
    paraphrases = yaml.safe_load((data_dir / "ama_paraphrases.yml").read_text(encoding="utf-8")) or {}
    unknown = set(paraphrases) - {item["id"] for item in ama}
    if unknown:
        raise ValueError(f"ama_paraphrases.yml names unknown AMA items: {sorted(unknown)}")
    entries = [
        Entry(
            id=item["id"],
            kind="ama",
            topic=_short(paraphrases.get(item["id"], item["questions"])[0]),
            questions=tuple(item["questions"]) + tuple(paraphrases.get(item["id"], [])),
            answer=item["answer"],
            asker=item["asker"],
        )
        for item in ama
    ]
    for path in sorted((data_dir / "kb").glob("*.yml")):
        items = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items") or []
        entries += [concept(item, path.name) for item in items]
    for entry in entries:
        bad = [q for q in entry.questions if not isinstance(q, str) or not q.strip()]
        if bad or not isinstance(entry.answer, str):
            raise ValueError(f"FAQ entry {entry.id}: every question and the answer must be text "
                             f"(quote a line containing ': '), got {bad or entry.answer!r}")
    ids = [e.id for e in entries]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate FAQ ids: {sorted(duplicates)}")
    return entries


class KnowledgeBase:
    """The entries by id: what the action server needs to render an answer the understanding
    layer (in Rasa's NLU pipeline) chose."""

    def __init__(self, entries: list[Entry]):
        self.entries = {e.id: e for e in entries}

    @classmethod
    def load(cls, data_dir: Path = DATA) -> "KnowledgeBase":
        return cls(load(data_dir))

    def entry(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)
