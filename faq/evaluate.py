"""Measure the FAQ brain and choose its confidence threshold from data.

Development set (used to choose): every indexed question phrasing, queried with itself hidden,
must find its own entry (through its other phrasings or its answer text); the bot's out_of_scope NLU
examples must find nothing. The threshold maximises
expected value on it: a right answer +1, a wrong answer -1, an answer to an off-topic request
-5, "not sure, did you mean..." 0. The paraphrase set in tests/faq/ is never used to choose.

`python -m faq.evaluate` prints the figures; `--write` stores the threshold in
data/faq/threshold.yml, which the action server reads.
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from faq.knowledge import DATA, load
from faq.retriever import Retriever

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD_FILE = DATA / "threshold.yml"
PARAPHRASES = ROOT / "tests" / "faq" / "paraphrases.yml"
OFF_TOPIC_COST = 5.0
GRID = np.round(np.arange(0.30, 0.81, 0.01), 2)


@dataclass
class Scored:
    score: float
    correct: bool  # top entry is the expected one (always False for off-topic)
    in_scope: bool
    kind: str | None = None  # kind of the top entry


def development_set(retriever: Retriever, off_topic: list[str]) -> list[Scored]:
    scored = []
    similarities = retriever.similarity_matrix()
    for j, owner in enumerate(retriever.owner):
        if not retriever.is_question[j]:
            continue
        row = similarities[j].copy()
        row[j] = -9.0  # hidden
        (top,) = retriever.rank(row, 1)
        scored.append(Scored(top.score, top.entry.id == retriever.entries[owner].id, True))
    for text in off_topic:
        (top,) = retriever.search(text, 1)
        scored.append(Scored(top.score, False, False, top.entry.kind))
    return scored


def at_threshold(scored: list[Scored], threshold: float) -> dict:
    answered = [s for s in scored if s.score >= threshold]
    in_scope = [s for s in scored if s.in_scope]
    right = sum(s.correct for s in answered)
    return {
        "threshold": float(threshold),
        "precision": right / len(answered) if answered else 1.0,
        "coverage": sum(s.in_scope for s in answered) / len(in_scope) if in_scope else 0.0,
        "accuracy": right / len(in_scope) if in_scope else 0.0,
        "off_topic_answered": sum(not s.in_scope for s in answered),
        "off_topic_ama_answered": sum(not s.in_scope and s.kind == "ama" for s in answered),
        "value": right - (len(answered) - right) - (OFF_TOPIC_COST - 1) * sum(not s.in_scope for s in answered),
    }


def choose_threshold(scored: list[Scored]) -> dict:
    rows = [at_threshold(scored, t) for t in GRID]
    return max(rows, key=lambda r: (r["value"], -r["threshold"]))


def off_topic_examples(nlu_file: Path = ROOT / "bot" / "data" / "nlu.yml") -> list[str]:
    for item in yaml.safe_load(nlu_file.read_text())["nlu"]:
        if item.get("intent") == "out_of_scope":
            return [line.strip()[2:] for line in item["examples"].splitlines() if line.strip()]
    return []


def paraphrase_set(retriever: Retriever, path: Path = PARAPHRASES) -> list[Scored]:
    data = yaml.safe_load(path.read_text())
    scored = []
    for case in data["questions"]:
        (top,) = retriever.search(case["text"], 1)
        scored.append(Scored(top.score, top.entry.id == case["expect"], True, top.entry.kind))
    for text in data["off_topic"]:
        (top,) = retriever.search(text, 1)
        scored.append(Scored(top.score, False, False, top.entry.kind))
    return scored


def load_threshold(path: Path = THRESHOLD_FILE) -> float:
    return float(yaml.safe_load(path.read_text())["threshold"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the chosen threshold")
    args = parser.parse_args()
    from faq.encoder import Encoder

    retriever = Retriever(load(), Encoder())
    dev = development_set(retriever, off_topic_examples())
    chosen = choose_threshold(dev)
    print(f"development set: {sum(s.in_scope for s in dev)} held-out phrasings, "
          f"{sum(not s.in_scope for s in dev)} off-topic")
    print("  threshold  precision  coverage  off-topic answered")
    for t in (0.35, 0.40, 0.45, chosen["threshold"], 0.55, 0.60):
        r = at_threshold(dev, t)
        print(f"  {t:9.2f}  {r['precision']:9.3f}  {r['coverage']:8.3f}  {r['off_topic_answered']:18d}")
    print(f"chosen threshold {chosen['threshold']:.2f}: precision {chosen['precision']:.3f}, "
          f"coverage {chosen['coverage']:.3f}")
    test = at_threshold(paraphrase_set(retriever), chosen["threshold"])
    print(f"paraphrase set (tests/faq/paraphrases.yml) at {chosen['threshold']:.2f}: accuracy "
          f"{test['accuracy']:.3f} ({test['precision']:.3f} precision, {test['coverage']:.3f} coverage), "
          f"off-topic answered {test['off_topic_answered']}, with an AMA answer {test['off_topic_ama_answered']}")
    if args.write:
        THRESHOLD_FILE.write_text(
            "# Written by `python -m faq.evaluate --write`: the FAQ brain answers at or above this\n"
            "# cosine score, and below it says it is not sure. Chosen on the development set.\n"
            + yaml.safe_dump({k: round(v, 4) if isinstance(v, float) else v for k, v in chosen.items()},
                             sort_keys=False))
        print(f"wrote {THRESHOLD_FILE}")


if __name__ == "__main__":
    main()
