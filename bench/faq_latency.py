"""FAQ turn latency through Rasa's REST channel: one learner alone, then 20 at once.

Boots Tutor on free ports (Rasa model already trained), warms it with a few questions, then
each learner asks the questions of tests/faq/paraphrases.yml (in-scope and off-topic) in its own
conversation. Three readings of "20 concurrent learners": back to back (each sends its next
question the moment the reply arrives: a load test), with a 1 s pause between messages, starting
at random moments (as people type), and the same in lockstep (all 20 send at the same instant,
every round: bursts that a single Rasa process must queue). A last phase repeats the paced one
while a textgen training runs in the worker (issue 4: trainings must not starve the dialogue).
Prints p50/p95/max per phase.
Target (issue 3): p50 <= 100 ms, p95 <= 250 ms; issue 13: 20 learners with 1 s pauses p50 <= 50 ms,
p95 <= 150 ms, and the whole embedded stack <= 2.5 GB resident. The baseline, measured in the same
run, is a greeting turn (Rasa alone: NLU and a canned reply, no action server).
"""

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import percentile  # noqa: E402  (after the path)

HEADERS: dict[str, str] = {}  # Rasa's API token for its REST channel (bot/rest_channel.py)


def learner(url: str, questions: list[str], out: list[float], pause: float, start: float = 0.0) -> None:
    sender = uuid.uuid4().hex
    with httpx.Client(timeout=30, headers=HEADERS) as client:
        time.sleep(start)
        for text in questions:
            started = time.perf_counter()
            client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}).raise_for_status()
            out.append(time.perf_counter() - started)
            time.sleep(pause)


def phase(url: str, questions: list[str], learners: int, pause: float = 0.0, lockstep: bool = False) -> list[float]:
    """Each learner in its own conversation. With pauses, learners start at random moments within
    the first pause (seeded), as people do; `lockstep` starts them all at the same instant, so
    every round is a burst of `learners` messages at once (a harder reading, reported beside)."""
    times: list[float] = []
    starts = random.Random(13)
    threads = [threading.Thread(target=learner, args=(
        url, questions, times, pause, 0.0 if lockstep else starts.uniform(0, pause))) for _ in range(learners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def training_running(sessions) -> bool:
    from sqlalchemy import select

    from db.models import Job, JobStatus

    with sessions() as session:
        return session.scalar(select(Job.id).where(Job.status == JobStatus.running)) is not None


def during_training(url: str, db_url: str, questions: list[str], learners: int) -> list[float]:
    """The paced phase while a ~60 s textgen training runs; fails loudly if it was not running."""
    from db.engine import make_engine, make_session_factory

    sessions = make_session_factory(make_engine(db_url))  # once, not per 0.2 s poll
    httpx.post(f"{url}/webhooks/rest/webhook", timeout=30, headers=HEADERS, json={
        "sender": "trainer", "message": "generate 20 words, train for 150 epochs"}).raise_for_status()
    deadline = time.monotonic() + 60
    while not training_running(sessions):
        if time.monotonic() > deadline:
            raise RuntimeError("the training never started")
        time.sleep(0.2)
    times = phase(url, questions, learners, pause=1.0)
    if not training_running(sessions):
        raise RuntimeError("the training ended before the phase did; measure with a longer one")
    return times


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Linux /proc), in MB."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its children have used: how much work a phase cost,
    which contention from other processes on the machine hardly changes, unlike latency."""
    import psutil

    try:
        root = psutil.Process(pid)
        return sum(sum(p.cpu_times()[:2]) for p in (root, *root.children(recursive=True)))
    except psutil.Error:
        return 0.0


def cpu_per_turn(stack, run) -> tuple[list[float], dict[str, float]]:
    """Run a phase; return its latencies and each service's CPU milliseconds per turn."""
    before = {name: cpu_seconds(proc.pid) for name, proc in stack.procs.items()}
    times = run()
    return times, {name: (cpu_seconds(proc.pid) - before[name]) * 1000 / max(1, len(times))
                   for name, proc in stack.procs.items()}


def show(name: str, times: list[float]) -> None:
    ms = [t * 1000 for t in times]
    print(f"  {name:<24} n={len(ms):4d}  p50 {statistics.median(ms):6.1f} ms  "
          f"p95 {percentile(ms, 95):6.1f} ms  max {max(ms):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    args = parser.parse_args()
    from tutor.supervisor import Stack, isolated_settings

    data = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())
    questions = [q["text"] for q in data["questions"]] + data["off_topic"]
    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Path(tmp) / "var")
        with Stack(settings) as stack:
            url = stack.settings.rasa_url
            HEADERS["Authorization"] = f"Bearer {stack.settings.rasa_token}"
            phase(url, questions[:5], 1)  # warm-up
            idle = {name: rss_mb(proc.pid) for name, proc in stack.procs.items()}
            alone, alone_cpu = cpu_per_turn(stack, lambda: phase(url, questions, 1))
            crowd = phase(url, questions, args.learners)
            paced, paced_cpu = cpu_per_turn(stack, lambda: phase(url, questions[:20], args.learners, pause=1.0))
            burst = phase(url, questions[:20], args.learners, pause=1.0, lockstep=True)
            greetings, greeting_cpu = cpu_per_turn(stack, lambda: phase(
                url, ["hi", "hello", "hey there", "good morning"] * 5, args.learners, pause=1.0))
            memory = {name: rss_mb(proc.pid) for name, proc in stack.procs.items()}
            print(f"FAQ turn latency, REST channel, {len(questions)} questions per learner:")
            show(f"baseline: greeting turn, {args.learners} learners, 1 s pauses", greetings)
            show("1 learner", alone)
            show(f"{args.learners} learners back to back", crowd)
            show(f"{args.learners} learners, 1 s pauses", paced)
            show(f"{args.learners} learners, 1 s pauses, in lockstep", burst)
            print(f"ratio p50 FAQ/greeting (paced): {statistics.median(paced) / statistics.median(greetings):.2f}")
            for name, cpu in (("greeting turn (baseline)", greeting_cpu), ("FAQ turn, 1 learner", alone_cpu),
                              (f"FAQ turn, {args.learners} learners paced", paced_cpu)):
                print(f"CPU per {name}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items()
                                                       if k in ("rasa", "actions")))
            print("resident memory after the warm-up: " + ", ".join(f"{k} {v:.0f} MB" for k, v in idle.items())
                  + f"; total {sum(idle.values()) / 1024:.2f} GB")
            print("resident memory after the FAQ phases: "
                  + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items())
                  + f"; total {sum(memory.values()) / 1024:.2f} GB", flush=True)
            try:
                training = during_training(url, stack.settings.db_url, questions[:20], args.learners)
            except RuntimeError as exc:  # the training finished first: say so, keep the figures above
                print(f"during a training: not measured ({exc})")
                return
    show("same, during a training", training)


if __name__ == "__main__":
    main()
