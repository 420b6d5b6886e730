"""`python -m tutor run | migrate | train-bot`: what the Makefile calls; `staff ...` manages staff
accounts (tutor/staff_cli.py)."""

import argparse
import logging
import signal
import sys
import time
from collections.abc import Callable

from tutor.settings import Settings

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def cmd_migrate(settings: Settings) -> None:
    from db.migrate import upgrade

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)


def cmd_train_bot(settings: Settings) -> None:
    from tutor.botmodel import ensure_model

    model, trained = ensure_model(settings)
    print(f"Rasa model {'trained' if trained else 'up to date'}: {model.name}")


def say(text: str, err: bool = False) -> None:
    """Print, but never let a closed terminal or pipe (make already gone) cut a stop short."""
    try:
        print(text, file=sys.stderr if err else sys.stdout, flush=True)
    except (OSError, ValueError):
        pass


def _log_to_terminal_and_file(settings: Settings) -> None:
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s supervisor %(levelname)s %(message)s")
    root = logging.getLogger("tutor")
    for handler in (logging.StreamHandler(), logging.FileHandler(settings.logs_dir / "supervisor.log")):
        handler.setFormatter(fmt)
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def supervise(stack, ready_banner: Callable[[], str] = lambda: "") -> int:
    """Start the stack, restart services that exit, and stop everything on SIGINT, SIGTERM or
    SIGHUP. The handler only sets a flag, so a second signal during the stop (make forwards a
    service manager's SIGTERM while the first is handled) is a no-op instead of an exception
    that would abort the stop and leave the services running."""
    from tutor.supervisor import ServiceFailed, Stopped

    def request_stop(_signum, _frame) -> None:
        stack.stop_requested.set()

    # Explicit for SIGINT too: a shell starts background jobs with SIGINT ignored.
    for sig in STOP_SIGNALS:
        signal.signal(sig, request_stop)
    code = 0
    try:
        stack.start()
        say(ready_banner())
        stack.watch()
    except Stopped:
        pass
    except ServiceFailed as exc:
        say(f"Tutor stopped: {exc}", err=True)
        code = 1
    finally:
        say("\nStopping Tutor...")
        stack.stop()
        say("Stopped.")
    return code


def cmd_run(settings: Settings) -> None:
    """Start every service, print where to chat, and stop them all on Ctrl-C or SIGTERM."""
    from tutor.staff_token import staff_link, with_staff_token
    from tutor.supervisor import Stack

    _log_to_terminal_and_file(settings)
    settings, stored = with_staff_token(settings)
    stack = Stack(settings)
    started = time.monotonic()
    staff = (f"Staff page: {staff_link(settings)}" if stored
             else f"Staff page: {settings.public_base_url}/staff-ui (sign in with TUTOR_STAFF_TOKEN)")
    say("Starting Tutor (Rasa, action server, worker, API)...")

    def banner() -> str:
        return (f"\nTutor is ready in {time.monotonic() - started:.1f} s. "
                f"Chat at {settings.public_base_url}/\n{staff}\n"
                f"Rasa REST: {settings.rasa_url}/webhooks/rest/webhook  Logs: {settings.logs_dir}\n"
                "A service that exits is restarted. Press Ctrl-C to stop.")

    sys.exit(supervise(stack, banner))


def cmd_run_scaled(settings: Settings) -> None:
    """The scaled profile (tutor/scaled.py): PostgreSQL, Redis, Celery workers; fails at once,
    naming the server, when one is not running."""
    from tutor.scaled import ScaledStack, check_servers
    from tutor.staff_token import with_staff_token
    from tutor.supervisor import ServiceFailed

    _log_to_terminal_and_file(settings)
    settings, _stored = with_staff_token(settings)
    stack = ScaledStack(settings)
    started = time.monotonic()
    say(f"Starting Tutor, scaled (Rasa, action server, {stack.settings.celery_workers} Celery "
        "workers, API)...")
    try:
        connected = check_servers(stack.settings)
    except ServiceFailed as exc:
        say(f"Tutor did not start: {exc}", err=True)
        sys.exit(1)
    say("Connected to:\n" + "\n".join(connected))

    def banner() -> str:
        return (f"\nTutor (scaled) is ready in {time.monotonic() - started:.1f} s. "
                f"Chat at {stack.settings.public_base_url}/\n"
                f"Jobs on Celery (queue {stack.settings.celery_queue}). Logs: {stack.settings.logs_dir}\n"
                "A service that exits is restarted. Press Ctrl-C to stop.")

    sys.exit(supervise(stack, banner))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tutor")
    parser.add_argument("command", choices=["run", "run-scaled", "migrate", "train-bot", "staff"])
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="staff: add NAME | list | revoke NAME")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "staff":
        from tutor.staff_cli import main as staff_main

        sys.exit(staff_main(settings, args.rest))
    commands = {"run": cmd_run, "run-scaled": cmd_run_scaled, "migrate": cmd_migrate,
                "train-bot": cmd_train_bot}
    commands[args.command](settings)


if __name__ == "__main__":
    main()
