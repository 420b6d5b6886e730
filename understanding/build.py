"""Build the router from the project's files: Rasa's NLU examples (bot/data), the knowledge
base (data/faq) and the off-topic examples (data/understanding). Nothing happens at import."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from understanding.router import OFF_TOPIC, Router

ROOT = Path(__file__).resolve().parent.parent
NLU_FILES = ("nlu.yml", "lessons_nlu.yml", "handoff.yml", "usercode.yml", "uploads.yml", "forget_me.yml")
ANNOTATION = re.compile(r"\[([^\]\n]{0,200})\]\([^)\n]{0,100}\)")  # "[text](entity)" -> "text"


def cache_file() -> Path:
    """Where phrasing vectors are kept between starts (`make setup` fills it)."""
    return Path(os.environ.get("TUTOR_UNDERSTANDING_CACHE") or ROOT / "models" / "understanding.npz")


def model_file() -> Path:
    """MiniLM as an ONNX graph (`make setup` writes it: understanding.onnx_graph.export)."""
    return Path(os.environ.get("TUTOR_UNDERSTANDING_MODEL") or ROOT / "models" / "minilm.onnx")


def default_encoder(threads: int = 1):
    """MiniLM in ONNX Runtime when setup wrote its graph, else in NumPy (about 8x slower)."""
    from understanding.minilm import MiniLM

    path = model_file()
    if not path.exists():
        import logging

        logging.getLogger(__name__).warning("%s is missing (make setup writes it): MiniLM runs in NumPy", path)
        return MiniLM()
    return MiniLM(onnx_file=path, threads=threads)


def nlu_examples(bot_data: Path = ROOT / "bot" / "data") -> dict[str, list[str]]:
    intents: dict[str, list[str]] = {}
    for name in NLU_FILES:
        path = bot_data / name
        if not path.exists():
            continue
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in item:
                lines = [line.strip()[2:] for line in item.get("examples", "").splitlines()
                         if line.strip().startswith("- ")]
                intents.setdefault(item["intent"], []).extend(ANNOTATION.sub(r"\1", x) for x in lines)
    return intents


def off_topic_examples(path: Path = ROOT / "data" / "understanding" / "off_topic.yml") -> list[str]:
    if not path.exists():
        return []
    return [e["text"] for e in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("examples", [])]


@dataclass(frozen=True)
class Sources:
    """The parsed files a router is built from (parsing them is most of a build's time)."""

    intents: dict[str, list[str]]
    off_topic: list[str]
    entries: list


def sources(root: Path = ROOT) -> Sources:
    from faq.knowledge import load

    intents = nlu_examples(root / "bot" / "data")
    off_topic = intents.pop(OFF_TOPIC, []) + off_topic_examples(root / "data" / "understanding" / "off_topic.yml")
    return Sources(intents, off_topic, load(root / "data" / "faq"))


def assemble(src: Sources, cached, staff=None, offers: dict[str, str] | None = None) -> Router:
    """A router over the sources plus what staff taught (faq.staff.StaffKnowledge). `offers`:
    what each offer runs, from an earlier build (each one costs a ranking)."""
    entries = staff.merge(src.entries) if staff is not None else src.entries
    off_topic = src.off_topic + list(staff.off_topic) if staff is not None else src.off_topic
    commands = frozenset(i for i in src.intents if i.startswith(("train_", "tokenize", "classify", "export",
                                                                   "show_", "cancel", "start_", "list_",
                                                                   "rerun")))
    router = Router(src.intents, entries, off_topic, cached, commands)
    # What each entry's "want to see it?" offer runs: read by the router itself.
    known = dict(offers or {})
    for offer in sorted({e.offer for e in entries if e.offer} - known.keys()):
        known[offer] = router.understand(offer).intent
    router.set_offers(known)
    return router


def build(encoder=None, cache_file: Path | None = None, root: Path = ROOT, staff_file: Path | None = None) -> Router:
    """The router over the project's files; with `staff_file`, plus what staff taught (faq.staff)."""
    from understanding.vectors import CachedEncoder

    cached = CachedEncoder(encoder or default_encoder(), cache_file)
    staff = None
    if staff_file is not None:
        from faq.staff import read

        staff = read(staff_file)
    router = assemble(sources(root), cached, staff)
    # From here on the process ranks one message at a time: a BLAS thread pool only spins
    # against ONNX Runtime's thread (measured: a turn 24 ms instead of 3 ms on two busy cores).
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return router
