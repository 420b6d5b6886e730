"""The FAQ knowledge base: AMA items (verbatim answers) and concept items (our own words).

Loaded from data/faq/: ama.yml (generated from the archive), ama_paraphrases.yml (extra ways to
ask each AMA question) and concepts.yml. Read at start-up by whoever needs it; nothing at import.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "faq"
TOPIC_LENGTH = 60


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str  # "ama" | "concept"
    topic: str  # short title for "did you mean" buttons
    questions: tuple[str, ...]
    answer: str
    asker: str | None = None  # AMA only
    offer: str | None = None  # what to say to see it run (concepts with a skill)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TOPIC_LENGTH else text[: TOPIC_LENGTH - 1].rsplit(" ", 1)[0] + "…"


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
    concepts = yaml.safe_load((data_dir / "concepts.yml").read_text(encoding="utf-8"))["items"]
    entries += [
        Entry(id=c["id"], kind="concept", topic=c["topic"], questions=tuple(c["questions"]),
              answer=c["answer"], offer=c.get("offer"))
        for c in concepts
    ]
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
