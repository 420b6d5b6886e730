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


def cmd_run(settings: Settings) -> None:
    from tutor.supervisor import ServiceFailed, Stack

    stack = Stack(settings)
    started = time.monotonic()
    print("Starting Tutor (Rasa, actions, worker, API)...", flush=True)
    stop = {"now": False}

    def request_stop(*_):
        stop["now"] = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        stack.start()
        print(f"\nTutor is ready in {time.monotonic() - started:.1f} s. "
              f"Chat at {settings.public_base_url}/\n"
              f"Rasa REST: {settings.rasa_url}/webhooks/rest/webhook  Logs: {settings.logs_dir}\n"
              "Press Ctrl-C to stop.", flush=True)
        while not stop["now"]:
            for name in stack.procs:
                stack.check_alive(name)
            time.sleep(0.5)
    except ServiceFailed as exc:
        print(f"Tutor stopped: {exc}", file=sys.stderr)
        stack.stop()
        sys.exit(1)
    print("\nStopping Tutor...", flush=True)
    stack.stop()
    print("Stopped.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tutor")
    parser.add_argument("command", choices=["run", "migrate", "train-bot"])
    args = parser.parse_args(argv)
    settings = Settings()
    {"run": cmd_run, "migrate": cmd_migrate, "train-bot": cmd_train_bot}[args.command](settings)


if __name__ == "__main__":
    main()
