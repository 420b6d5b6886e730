"""Start Rasa through bot/launch.py with its `--auth-token` taken from TUTOR_RASA_TOKEN.

Rasa 3.6 reads its token only from the command line, and /proc/<pid>/cmdline is readable by
every local user (/proc/<pid>/environ only by the owner). Adding the flag to sys.argv here, in
the process, changes what Rasa parses but not what /proc shows. Runs in Rasa's venv: standard
library only (tutor/__init__.py imports nothing).
"""

import os
import sys


def main() -> None:
    token = os.environ.get("TUTOR_RASA_TOKEN", "")
    if token and sys.argv[1:2] == ["run"] and not any(a.startswith("--auth-token") for a in sys.argv):
        # "=" form: a token may start with "-" (token_urlsafe), which argparse reads as a flag.
        sys.argv.append(f"--auth-token={token}")
    from bot import launch

    launch.main()


if __name__ == "__main__":
    main()
