"""How far one process of each kind goes on this machine: the figures README "Capacity plan" uses.

- dialogue: boots the `make run` stack (one Rasa process, one action-server process) and runs
  closed loops of FAQ turns over Rasa's REST channel (each of `--concurrency` senders sends its
  next question as soon as the last was answered) for `--windows` windows of `--seconds`: the
  median turns/s of one Rasa process, with Rasa's and the action server's CPU per turn read
  from /proc (psutil). Then the action server alone: a real FAQ action call (the tracker and
  domain Rasa sent for one of those turns, replayed on POST /webhook) in the same closed loops:
  calls/s of one action-server process and its CPU per call.
- trainings: a warm jobs worker (bench/skills_speed.py's, one process, as one Celery pool
  process runs them) runs each skill's defaults `--repeats` times: trainings per minute per skill
  from the median queue-to-result time.

Client and servers share the machine's 2 cores (and with whatever else runs: note `uptime`),
so the dialogue figures are lower bounds of what a dedicated core gives; the CPU per turn is
the figure that other load hardly changes.

    python bench/capacity.py dialogue
    python bench/capacity.py trainings --repeats 3
"""

import argparse
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


def closed_loop(call, concurrency: int, seconds: float) -> int:
    """`concurrency` threads each calling `call(client)` back to back for `seconds`; calls done."""
    done = [0] * concurrency
    deadline = time.monotonic() + seconds

    def loop(index: int) -> None:
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < deadline:
                call(client)
                done[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done)


def cpu_seconds(pid: int) -> float:
    """CPU time of a service: its process and every child (the action server's workers)."""
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def measure(label: str, call, pids: dict[str, int], concurrency: int, seconds: float, windows: int) -> dict:
    rates, cpu = [], {name: [] for name in pids}
    for _ in range(windows):
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        started = time.monotonic()
        count = closed_loop(call, concurrency, seconds)
        elapsed = time.monotonic() - started
        rates.append(count / elapsed)
        for name, pid in pids.items():
            cpu[name].append((cpu_seconds(pid) - before[name]) / max(1, count) * 1000)
    result = {"label": label, "per_s": statistics.median(rates), "windows": [round(r, 1) for r in rates],
              "cpu_ms": {name: statistics.median(v) for name, v in cpu.items()}}
    cpu_text = ", ".join(f"{name} {ms:.1f} ms CPU" for name, ms in result["cpu_ms"].items())
    print(f"{label}: median {result['per_s']:.1f}/s over {windows} x {seconds:g} s windows "
          f"{result['windows']} ({concurrency} at once); per turn: {cpu_text}", flush=True)
    return result


def dialogue(args) -> None:
    from tutor.supervisor import Stack, isolated_settings

    data = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())
    questions = [q["text"] for q in data["questions"]]
    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Path(tmp) / "var")
        with Stack(settings) as stack:
            rasa = stack.settings.rasa_url
            headers = {"Authorization": f"Bearer {stack.settings.rasa_token}"}
            pids = {"rasa": stack.procs["rasa"].pid, "actions": stack.procs["actions"].pid}
            asked = iter(range(10**9))

            def faq_turn(client: httpx.Client) -> None:
                text = questions[next(asked) % len(questions)]
                client.post(f"{rasa}/webhooks/rest/webhook", headers=headers,
                            json={"sender": uuid.uuid4().hex, "message": text}).raise_for_status()

            with httpx.Client(timeout=60) as client:
                for _ in range(20):  # warm-up: every code path once
                    faq_turn(client)
            if not args.actions_only:
                measure("one Rasa process, FAQ turns (REST)", faq_turn, pids, args.concurrency, args.seconds,
                        args.windows)

            call = action_call(stack, questions[0], headers)
            webhook = f"http://{stack.settings.reachable_host}:{stack.settings.actions_port}/webhook"

            def action(client: httpx.Client) -> None:
                answer = client.post(webhook, json=call)
                answer.raise_for_status()
                assert answer.json()["responses"], answer.text  # the FAQ answer itself

            measure("one action-server process, FAQ action calls (POST /webhook)", action,
                    {"actions": pids["actions"]}, args.concurrency, args.seconds, args.windows)


def action_call(stack, question: str, headers: dict) -> dict:
    """The call Rasa makes for one FAQ turn: the action it predicts, its tracker and domain."""
    from bot.identity import rest_sender  # the REST channel's namespaced conversation id

    rasa = stack.settings.rasa_url
    sender = uuid.uuid4().hex
    conversation = rest_sender(sender)
    params = {"token": stack.settings.rasa_token}
    with httpx.Client(timeout=60) as client:
        client.post(f"{rasa}/webhooks/rest/webhook", headers=headers,
                    json={"sender": sender, "message": question}).raise_for_status()
        events = client.get(f"{rasa}/conversations/{conversation}/tracker", params=params).json()["events"]
        cut = max(i for i, e in enumerate(events) if e["event"] == "user")
        action = next(e["name"] for e in events[cut:] if e["event"] == "action"
                      and e["name"].startswith("action_") and e["name"] != "action_listen")
        # The tracker as it stood when Rasa called the action: up to the user turn and its parse.
        tracker = client.get(f"{rasa}/conversations/{conversation}/tracker", params=params).json()
        tracker["events"] = events[:cut + 1]
        domain = client.get(f"{rasa}/domain", params=params, headers={"Accept": "application/json"}).json()
    return {"next_action": action, "sender_id": conversation, "tracker": tracker, "domain": domain,
            "version": "3.6.21"}


def trainings(args) -> None:
    from bench import skills_speed

    with skills_speed.warm_worker("capacity") as worker:
        print(f"one worker process, each skill's defaults, median of {args.repeats} warm runs:", flush=True)
        for skill in args.skills:
            skills_speed.queue_to_result(worker, skill)  # the first run pays for imports and tracing
            median = statistics.median(skills_speed.queue_to_result(worker, skill) for _ in range(args.repeats))
            print(f"  {skill:<14} {median:6.1f} s per training  {60 / median:6.1f} trainings/min", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["dialogue", "trainings"])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skills", nargs="*", default=None)
    parser.add_argument("--actions-only", action="store_true", help="dialogue: only the action server")
    args = parser.parse_args()
    if args.part == "dialogue":
        dialogue(args)
    else:
        from bench import skills_speed

        args.skills = args.skills or skills_speed.SKILLS
        trainings(args)


if __name__ == "__main__":
    main()
