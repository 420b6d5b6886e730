"""How long the chat parsers take on hostile messages (issue 14, "bounded input").

Each parser that reads a learner's text (hello-neuron settings, every catalogue skill's options,
the sentence tools, lesson answers and lesson lookup) gets runs of digits, digit groups, spaces,
quotes, unicode and option words, at 2,000 characters (the chat cap) and 16,000 (a 2 kB cap
missed 8x). The baseline, measured in the same run, is the same parser on an ordinary message
of the same length. The long column lifts the parsers' own 2,000-character refusal, so it times
the patterns themselves. Linear parsers show a hostile/baseline ratio near 1 and a 16k/2k ratio near
8; the old backtracking regexes showed hundreds of ms at 2,000 characters and ratios near 64.

    .venv/bin/python bench/parsers.py [--repeats 5] [--long 16000]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

SENTENCE = "train a cnn for 20 epochs with dropout 0.3 and learning rate 0.05 on (1, 3) please. "


def hostile(length: int) -> dict[str, str]:
    """Message families that made backtracking regexes quadratic, cut to `length` characters."""
    families = {
        "digits": "1" * length,
        "digit groups": "1," * length,
        "epochs + digits": "epochs " + "9" * length,
        "point + digits": "(" + "1," * length,
        "spaces": "epochs" + " " * length + "x",
        "quotes": "\u2018" * length,
        "open quote": '"' + "a" * length,
        "unicode": "\u00e9\u4e2d\U0001f600" * length,
        "option words": "epochs dropout seed lr " * length,
        "rule": "y = " + "1" * length + "x",
    }
    return {name: text[:length] for name, text in families.items()}


def parsers() -> dict:
    from actions.catalogue import CATALOGUE
    from actions.neuron_request import parse_neuron_request
    from actions.text_tools import sentence_in
    from curriculum.lookup import find_lesson
    from curriculum.model import ChoiceAsk, ShortAsk, normalize_answer

    short = ShortAsk(type="ask", id="q", kind="short", question="?", accept=["y = 2x - 1", "re:2\\s*x"])
    choice = ChoiceAsk(type="ask", id="c", kind="choice", question="?",
                       options=[{"id": "a", "text": "a loss"}, {"id": "b", "text": "an optimizer"}])
    found = {
        "neuron settings": parse_neuron_request,
        "tokenize sentence": lambda text: sentence_in(text, r"^.*?\btokeni[sz](?:e|ation)"),
        "lesson short answer": short.accepts,
        "lesson choice": choice.option_for,
        "lesson answer normalizer": normalize_answer,
        "lesson lookup": lambda text: find_lesson([], text),
    }
    for intent, entry in CATALOGUE.items():
        found[f"{intent} options"] = lambda text, entry=entry: entry.options.parse(text, {})
    return found


def median_ms(parse, text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        try:
            parse(text)
        except ValueError:  # a refusal (RequestParseError) is a parse too
            pass
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def uncapped():
    """Lift the parsers' own 2,000-character refusal, so the long column times the patterns."""
    from actions import neuron_request, skill_options, text_tools

    for module in (neuron_request, skill_options, text_tools):
        if hasattr(module, "MAX_CHARS"):
            module.MAX_CHARS = 10**9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--length", type=int, default=2000)
    parser.add_argument("--long", type=int, default=16000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bot/ is not an installed package
    uncapped()
    worst = (0.0, "")
    print(f"{'parser':28} {'message':16} {'median ms':>9} {'baseline':>9} {'x base':>7} "
          f"{'ms @' + str(args.long):>10} {'long/2k':>8}")
    for name, parse in parsers().items():
        baseline = median_ms(parse, (SENTENCE * (args.length // len(SENTENCE) + 1))[:args.length],
                             args.repeats)
        long_texts = hostile(args.long)
        for family, text in hostile(args.length).items():
            ms = median_ms(parse, text, args.repeats)
            long_ms = median_ms(parse, long_texts[family], max(1, args.repeats // 2))
            worst = max(worst, (ms, f"{name} / {family}"))
            print(f"{name:28} {family:16} {ms:9.2f} {baseline:9.2f} {ms / baseline:7.1f} "
                  f"{long_ms:10.2f} {long_ms / max(ms, 1e-3):8.1f}")
    print(f"\nworst median at {args.length} characters: {worst[0]:.2f} ms ({worst[1]})")


if __name__ == "__main__":
    main()
