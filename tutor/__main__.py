"""`python -m tutor run | migrate | train-bot`: what the Makefile calls."""

import argparse
import signal
import sys
import time

from tutor.settings import Settings


def cmd_migrate(settings: Settings) -> None:
    from db.migrate import upgrade

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)


def cmd_train_bot(settings: Settings) -> None:
    from tutor.botmodel import ensure_model

    model, trained = ensure_model(settings)
    print(f"Rasa model {'trained' if trained else 'up to date'}: {model.name}")


def _interrupt(*_):
    raise KeyboardInterrupt


def cmd_run(settings: Settings) -> None:
    """Start every service, print where to chat, and stop them all on Ctrl-C or SIGTERM."""
    from tutor.supervisor import ServiceFailed, Stack

    stack = Stack(settings)
    started = time.monotonic()
    # Explicit for SIGINT too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    print("Starting Tutor (Rasa, action server, worker, API)...", flush=True)
    try:
        stack.start()
        print(f"\nTutor is ready in {time.monotonic() - started:.1f} s. "
              f"Chat at {settings.public_base_url}/\n"
              f"Rasa REST: {settings.rasa_url}/webhooks/rest/webhook  Logs: {settings.logs_dir}\n"
              "Press Ctrl-C to stop.", flush=True)
        while True:
            for name in stack.procs:
                stack.check_alive(name)
            time.sleep(0.5)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        print("\nStopping Tutor...", flush=True)
        stack.stop()
        print("Stopped.")
    except ServiceFailed as exc:
        stack.stop()
        print(f"Tutor stopped: {exc}", file=sys.stderr)
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tutor")
    parser.add_argument("command", choices=["run", "migrate", "train-bot"])
    args = parser.parse_args(argv)
    settings = Settings()
    {"run": cmd_run, "migrate": cmd_migrate, "train-bot": cmd_train_bot}[args.command](settings)


if __name__ == "__main__":
    main()
