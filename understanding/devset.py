"""Score the router on the frozen development set (tests/faq/dev/understanding_dev.yml)."""

from collections import Counter, defaultdict
from pathlib import Path

import yaml

from understanding.router import FAQ, OFF_TOPIC

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "faq" / "dev" / "understanding_dev.yml"
LABELS = ROOT / "tests" / "faq" / "dev" / "labels.yml"
SKILL_INTENTS = {
    "hello_neuron": "train_neuron", "vision": "train_vision", "transfer": "train_transfer",
    "sentiment": "train_sentiment", "classify": "classify_sentiment", "tokenize": "tokenize_text",
    "textgen": "train_textgen", "timeseries": "train_timeseries", "export": "export_model",
    "show_models": "show_models", "cancel": "cancel_job", "lessons": "list_lessons", "help": "help",
}


def evaluate(router, dev: Path = DEV_SET, labels: Path = LABELS, show: bool = False) -> dict:
    data = yaml.safe_load(dev.read_text(encoding="utf-8"))
    expected = (yaml.safe_load(labels.read_text(encoding="utf-8")) or {}) if labels.exists() else {}
    by_style: dict[str, Counter] = defaultdict(Counter)
    for n, item in enumerate(data["questions"]):
        u = router.understand(item["text"])
        ok_ids = set(expected.get(n, []) or [])
        answered = u.intent == FAQ and u.entry_id is not None
        # No entry answers it: the honest reply is "not sure" (and the staff queue).
        right = (answered and u.entry_id in ok_ids) if ok_ids else (u.intent == FAQ and not answered)
        by_style[item["style"]]["n"] += 1
        by_style[item["style"]]["right"] += bool(right)
        by_style[item["style"]]["declined"] += u.intent == OFF_TOPIC
        if show and not right:
            print(f"  [{item['style']}] #{n} {item['text'][:90]!r} -> {u.intent} {u.entry_id} "
                  f"{u.score:.2f} (want {sorted(ok_ids)[:3]}; gist {item['gist'][:70]})")
    skills = Counter()
    for item in data["skills"]:
        u = router.understand(item["text"])
        ok = u.intent == SKILL_INTENTS[item["skill"]]
        skills["n"] += 1
        skills["right"] += ok
        if show and not ok:
            print(f"  [skill {item['skill']}] {item['text'][:90]!r} -> {u.intent} {u.entry_id} {u.score:.2f}")
    off = Counter()
    for item in data["off_topic"]:
        u = router.understand(item["text"])
        off["n"] += 1
        off["declined"] += u.intent == OFF_TOPIC
        off["not_sure"] += u.intent == FAQ and u.entry_id is None
        if show and u.intent != OFF_TOPIC:
            print(f"  [off {item['kind']}] {item['text'][:90]!r} -> {u.intent} {u.entry_id} {u.score:.2f}")
    questions = sum(c["right"] for c in by_style.values()), sum(c["n"] for c in by_style.values())
    return {"questions": questions,
            "styles": {k: (c["right"], c["n"]) for k, c in sorted(by_style.items())},
            "skills": (skills["right"], skills["n"]),
            "off_topic_declined": (off["declined"], off["n"]), "off_topic_not_sure": off["not_sure"]}


def main() -> None:
    import sys

    from understanding.build import build

    router = build(cache_file=ROOT / "var" / "cache" / "understanding.npz")
    result = evaluate(router, show="-v" in sys.argv)
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
