"""Latency a learner sees: boot the real stack, then N learners train y = 2x - 1 in turn.

Prints the stack's ready time and the medians (and ranges) of: first reply (the action's
acknowledgement), first progress message, and the result, each measured from the send.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=5)
    args = parser.parse_args()

    from tutor.chat_client import Learner
    from tutor.supervisor import Stack, isolated_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Path(tmp) / "var")
        started = time.perf_counter()
        with Stack(settings):
            ready = time.perf_counter() - started
            first, progress, result = [], [], []
            for _ in range(args.learners):
                learner = Learner(settings.chat_socket_url).connect()
                sent = learner.say("Train a neuron to learn y = 2x - 1")
                first.append(learner.wait_for(lambda r: "Job #" in r.text).at - sent)
                progress.append(learner.wait_for(lambda r: r.payload_type == "progress", 60).at - sent)
                result.append(learner.wait_for(lambda r: r.payload_type == "result", 60).at - sent)
                learner.close()

    def show(name, values):
        print(f"  {name:<15} median {statistics.median(values):.2f} s  "
              f"(min {min(values):.2f}, max {max(values):.2f})")

    print(f"stack ready in {ready:.1f} s (Rasa model already trained)")
    print(f"{args.learners} learners, 'Train a neuron to learn y = 2x - 1' over socket.io:")
    show("first reply", first)
    show("first progress", progress)
    show("result", result)


if __name__ == "__main__":
    main()
