"""`python -m tutor staff add NAME | list | revoke NAME`: named staff tokens.

`add` prints the new token and its staff-page link once; only the token's hash is stored. `revoke`
takes effect on the account's next request (401). `revoke bootstrap` retires TUTOR_STAFF_TOKEN
(or the var/staff_token `make run` made) without touching the environment.
"""

import argparse
import sys

from tutor.settings import Settings


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(settings: Settings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor staff")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("add", help="create a named staff token").add_argument("name")
    sub.add_parser("list", help="every account, revoked ones too")
    sub.add_parser("revoke", help="refuse this account's token from now on").add_argument("name")
    args = parser.parse_args(argv)

    from db import staff_accounts
    from db.engine import make_engine, make_session_factory
    from db.migrate import upgrade
    from tutor.staff_token import staff_link, with_staff_token

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    try:
        with make_session_factory(engine)() as session:
            try:
                if args.action == "add":
                    token = staff_accounts.add(session, args.name)
                    session.commit()
                    _say(f"Staff account {args.name!r} created. Its token (shown only now):\n{token}")
                    _say("Staff page: " + staff_link(settings.model_copy(update={"staff_token": token})))
                elif args.action == "list":
                    for info in staff_accounts.listing(session):
                        _say(f"{info.name}\tcreated {info.created_at}\t{'revoked' if info.revoked else 'active'}")
                else:
                    if args.name == "bootstrap":
                        bootstrap, _ = with_staff_token(settings)
                        staff_accounts.revoke_token(session, args.name, bootstrap.staff_token or "")
                    else:
                        staff_accounts.revoke(session, args.name)
                    session.commit()
                    _say(f"Staff account {args.name!r} revoked: its token now gets 401.")
            except staff_accounts.AccountError as exc:
                _say(str(exc))
                return 1
    finally:
        engine.dispose()
    return 0
