"""What course staff taught Tutor from the staff page: new answers, extra phrasings for existing
entries, and wordings to decline as off-topic. One YAML file (`staff_knowledge.yml` in the var
folder, beside the database that records who asked), written atomically by the API and read by
the understanding layer in Rasa and by the action server, which both reload it when its
modification time changes (understanding/live.py, actions/runtime.py; docs/decisions.md, D38).

Kept out of data/faq/kb/: those files are the reviewed course content in git; these are a
running Tutor's own additions, like its database. A staff entry is checked by the same
`faq.knowledge.concept` as a kb item and carries `written_by: staff`.
"""

import os
import re
import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from faq.knowledge import Entry, KnowledgeBase, concept

FILE_NAME = "staff_knowledge.yml"
ROOT = Path(__file__).resolve().parent.parent
HEADER = ("# Written by the staff page (api/routes/inbox.py); read by the understanding layer and the\n"
          "# action server, which reload it when it changes. Edit through the page, not by hand.\n")
_write_lock = threading.Lock()
_shared: dict[Path, "LiveKnowledgeBase"] = {}


def default_path() -> Path:
    """Where a process that has no Settings (Rasa's) finds the file: TUTOR_VAR_DIR, as Settings."""
    return Path(os.environ.get("TUTOR_VAR_DIR") or ROOT / "var") / FILE_NAME


def path_in(var_dir: Path) -> Path:
    return var_dir / FILE_NAME


def signature(path: Path) -> tuple[int, int] | None:
    """What changes when the file is rewritten (a stat call, about a microsecond)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


@dataclass(frozen=True)
class StaffKnowledge:
    entries: tuple[Entry, ...] = ()
    phrasings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entry id -> wordings
    off_topic: tuple[str, ...] = ()

    def merge(self, entries: list[Entry]) -> list[Entry]:
        """The knowledge base with staff phrasings added to their entries and staff entries last.
        A phrasing for an entry that no longer exists is dropped (its entry left the kb)."""
        merged = [replace(e, questions=e.questions + self.phrasings[e.id]) if e.id in self.phrasings else e
                  for e in entries]
        known = {e.id for e in merged}
        return merged + [e for e in self.entries if e.id not in known]


def _raw(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping with items, phrasings and off_topic")
    return data


def read(path: Path) -> StaffKnowledge:
    data = _raw(path)
    entries = tuple(concept(item, path.name) for item in data.get("items") or [])
    phrasings = {str(k): tuple(str(t) for t in v) for k, v in (data.get("phrasings") or {}).items()}
    return StaffKnowledge(entries, phrasings, tuple(str(t) for t in data.get("off_topic") or []))


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                   encoding="utf-8")
    tmp.replace(path)  # readers see the old file or the new one, never half of one


def _clean(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(t.split()) for t in texts if t and t.strip()))


def new_id(topic: str, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")[:40].strip("-") or "answer"
    candidate, n = f"staff-{slug}", 2
    while candidate in taken:
        candidate, n = f"staff-{slug}-{n}", n + 1
    return candidate


def add_entry(path: Path, *, topic: str, answer: str, questions: list[str], taken: set[str],
              staff: str) -> Entry:
    """Add a staff-written entry, checked like a kb item; raises ValueError when it is not valid."""
    with _write_lock:
        data = _raw(path)
        items = list(data.get("items") or [])
        ids = taken | {str(item.get("id")) for item in items}
        item = {"id": new_id(topic, ids), "topic": " ".join(topic.split()), "chapter": "about",
                "questions": _clean(questions), "answer": answer.strip(), "written_by": "staff",
                "author": staff}
        entry = concept(item, path.name)
        if len(entry.topic) > 60:
            raise ValueError("topic: at most 60 characters (it is the title of a 'did you mean' button)")
        _write(path, {**data, "items": items + [item]})
        return entry


def add_phrasings(path: Path, entry_id: str, texts: list[str]) -> None:
    with _write_lock:
        data = _raw(path)
        phrasings = dict(data.get("phrasings") or {})
        phrasings[entry_id] = _clean(list(phrasings.get(entry_id) or []) + texts)
        _write(path, {**data, "phrasings": phrasings})


def add_off_topic(path: Path, texts: list[str]) -> None:
    with _write_lock:
        data = _raw(path)
        _write(path, {**data, "off_topic": _clean(list(data.get("off_topic") or []) + texts)})


@lru_cache(maxsize=4)
def _base(data_dir: Path) -> list[Entry]:
    """The kb files, parsed once per process (about 2 s of YAML): they change only with a deploy."""
    from faq.knowledge import load

    return load(data_dir)


class LiveKnowledgeBase:
    """The knowledge base by id plus the staff file, re-merged when the file changes; the kb files
    themselves are parsed once (what the action server renders answers from)."""

    def __init__(self, path: Path, data_dir: Path | None = None):
        from faq.knowledge import DATA

        self.path = path
        self.base = _base(data_dir or DATA)
        self._signature: tuple[int, int] | None | bool = False  # never loaded
        self._kb: KnowledgeBase | None = None

    @classmethod
    def shared(cls, path: Path) -> "LiveKnowledgeBase":
        """One per file in this process (the API's routes share it)."""
        with _write_lock:
            live = _shared.get(path)
            if live is None:
                live = _shared[path] = cls(path)
        return live

    def current(self) -> KnowledgeBase:
        changed = signature(self.path)
        if changed != self._signature or self._kb is None:
            with _write_lock:
                try:
                    self._kb = KnowledgeBase(read(self.path).merge(self.base))
                except ValueError:  # a broken file keeps the previous knowledge base
                    self._kb = self._kb or KnowledgeBase(self.base)
                self._signature = changed
        return self._kb
