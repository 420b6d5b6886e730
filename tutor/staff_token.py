"""The staff token `make run` makes on first start, so the staff page works without set-up.

Kept in var/staff_token (0600) and reused by every later run, so a bookmarked link and a signed-in
tab keep working; TUTOR_STAFF_TOKEN, when set, wins and nothing is written.
"""

import secrets

from tutor.private_files import write_private
from tutor.settings import Settings

FILE_NAME = "staff_token"


def with_staff_token(settings: Settings) -> tuple[Settings, bool]:
    """The settings with a staff token, and whether it is the one stored under var/."""
    if settings.staff_token:
        return settings, False
    path = settings.var_dir / FILE_NAME
    token = path.read_text().strip() if path.exists() else ""
    if not token:
        token = secrets.token_urlsafe(32)
        write_private(path, token + "\n")
    return settings.model_copy(update={"staff_token": token}), True


def staff_link(settings: Settings) -> str:
    """The staff page with the token in the fragment: a browser never sends a fragment to the
    server, so the token stays out of access logs and Referer headers (the page reads it)."""
    return f"{settings.public_base_url.rstrip('/')}/staff-ui#token={settings.staff_token}"
