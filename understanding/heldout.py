"""Score the router on a held-out set (tests/faq/heldout/): never tuned on, only reported.

The set was written from the seeds alone by someone who never saw our knowledge base or NLU
examples. Skill requests and off-topic requests are scored here; questions have no entry labels
(their writer could not know our entry ids), so this writes a sheet of each question, its gist and
the reply Tutor picks, for a judge, and compares it with the last judged sheet when one exists.
"""

from collections import Counter
from pathlib import Path

import yaml

from understanding.devset import SKILL_INTENTS
from understanding.router import FAQ, OFF_TOPIC

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "tests" / "faq" / "heldout" / "round8.yml"  # the newest blind set
# The writer's "lessons" means the lesson commands: listing them or starting one.
# Round 3 names the export's format; the router's intent is export_model either way (the format
# is the entity Rasa extracts, not scored here).
RIGHT_INTENTS = {**{k: {v} for k, v in SKILL_INTENTS.items()}, "lessons": {"list_lessons", "start_lesson"},
                 "export_tflite": {"export_model"}, "export_tfjs": {"export_model"},
                 # round 5's writer named the skills in its own words
                 "fashion_mnist": {"train_vision"}, "cnn_digits": {"train_vision"},
                 "text_generation": {"train_textgen"}, "time_series": {"train_timeseries"},
                 "transfer_learning": {"train_transfer"}, "progress": {"lesson_progress"},
                 "lesson": {"list_lessons", "start_lesson"}}


def reply(router, text: str) -> str:
    u = router.understand(text)
    if u.intent == FAQ and u.entry_id:
        entry = router.entries[u.entry_id]
        return f"ANSWER [{entry.topic}]: {entry.answer[:400]}"
    if u.intent == FAQ:
        return "NOT SURE (passed to staff)"
    return "DECLINED as off-topic" if u.intent == OFF_TOPIC else f"RAN COMMAND {u.intent}"


def evaluate(router, path: Path = HELD_OUT, sheet: Path | None = None) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    skills = Counter(router.understand(s["text"]).intent in RIGHT_INTENTS[s["skill"]] for s in data["skills"])
    replies = [router.understand(t) for t in data["off_topic"]]
    rows = [{"n": n, "style": q["style"], "text": q["text"], "gist": q["gist"], "tutor": reply(router, q["text"])}
            for n, q in enumerate(data["questions"])]
    if sheet is not None:
        sheet.write_text(yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=200), encoding="utf-8")
    result = {"skills": (skills[True], len(data["skills"])),
              "off_topic_declined": (sum(u.intent == OFF_TOPIC for u in replies), len(replies)),
              "off_topic_not_sure": sum(u.intent == FAQ and u.entry_id is None for u in replies)}
    judged = path.with_name(path.stem + "_judged.yml")
    if judged.exists():  # the judged questions, as they were judged (a changed reply needs a new judge)
        marks = yaml.safe_load(judged.read_text(encoding="utf-8"))
        by_style: dict[str, Counter] = {}
        for mark in marks:
            by_style.setdefault(mark["style"], Counter())[mark["right"]] += 1
        result["questions_judged"] = (sum(m["right"] for m in marks), len(marks))
        result["styles_judged"] = {k: (c[True], c[True] + c[False]) for k, c in sorted(by_style.items())}
    return result
