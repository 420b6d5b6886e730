"""How long a learner waits for Tutor inside a lesson: boot the real stack, then learners walk
lesson 1 over socket.io (start, next, quiz answers typed and clicked, a hint, a free question).

A turn is timed from the send to the lesson's state payload, the last message of every lesson
reply. The training step is left out (its time is the skill's, see bench/skills_speed.py): the
bench skips it. Prints p50/p95 over all turns, per kind of turn, and the FAQ baseline (a plain
question outside a lesson, the same Rasa round trip without the lesson code) from the same run.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import percentile  # noqa: E402  (after the path)

# Lesson 1 up to its training, answering as a learner might (one wrong answer, one hint).
SCRIPT = [
    ("start", "start lesson 1"),
    ("next", "next"),
    ("clicked answer", '/lesson_answer{"answer": "a"}'),
    ("clicked answer", '/lesson_answer{"answer": "b"}'),
    ("next", "next"),
    ("hint", "give me a hint"),
    ("question mid-quiz", "what is a loss function?"),
    ("typed answer", "y = 2x - 1"),
    ("next", "next"),
    ("typed answer", "c"),
    ("skip", "skip"),
    ("next", "next"),
    ("where was I", "where was I"),
    ("quit", "quit lesson"),
]




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=8)
    args = parser.parse_args()

    from tutor.chat_client import Learner
    from tutor.supervisor import Stack, isolated_settings

    turns: dict[str, list[float]] = {}
    faq: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Path(tmp) / "var")
        with Stack(settings):
            for number in range(args.learners + 1):
                learner = Learner(settings.chat_socket_url).connect()
                for kind, text in SCRIPT:
                    sent = learner.say(text)
                    if kind == "quit":  # quitting ends the lesson: no state payload follows
                        got = learner.wait_for(lambda r: "progress is saved" in r.text, 30)
                    else:
                        got = learner.wait_for(lambda r: r.payload_type == "lesson", 30)
                    if number:  # the first learner warms every code path up
                        turns.setdefault(kind, []).append(got.at - sent)
                    time.sleep(0.2)
                sent = learner.say("what is overfitting?")
                got = learner.wait_for(lambda r: r.payload_type == "faq", 30)
                if number:
                    faq.append(got.at - sent)
                learner.close()

    every = [value for values in turns.values() for value in values]
    print(f"{args.learners} learners x {len(SCRIPT)} lesson turns over socket.io (1 warm-up learner "
          "not counted)")
    print(f"  all lesson turns  p50 {percentile(every, 50) * 1000:.0f} ms  "
          f"p95 {percentile(every, 95) * 1000:.0f} ms  (n={len(every)})")
    for kind, values in turns.items():
        print(f"  {kind:<18} p50 {percentile(values, 50) * 1000:.0f} ms  "
              f"p95 {percentile(values, 95) * 1000:.0f} ms  (n={len(values)})")
    print(f"  baseline: FAQ question outside a lesson  p50 {statistics.median(faq) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
