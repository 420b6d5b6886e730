"""Named staff tokens: create, list, revoke, and find the account a token belongs to.

A token is 32 random bytes (secrets.token_urlsafe), so a plain SHA-256 of it is enough to store:
a slow password hash (bcrypt, argon2) exists to stop guessing of *low-entropy* secrets, and 256
random bits cannot be guessed either way. That is why hashlib and secrets do this, not a library.
"""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import utcnow
from db.staff_models import StaffAccount

NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


class AccountError(ValueError):
    """A name that is taken, malformed or unknown: the message says which."""


@dataclass(frozen=True)
class AccountInfo:
    name: str
    created_at: str
    revoked: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_name(name: str) -> str:
    if not 1 <= len(name) <= 64 or not set(name) <= NAME_CHARS:
        raise AccountError("A staff name is 1-64 letters, digits or . _ - @ (no spaces).")
    return name


def add(session: Session, name: str) -> str:
    """Create the account and return its token (shown once; only its hash is kept)."""
    _check_name(name)
    if session.scalar(select(StaffAccount).where(StaffAccount.name == name)) is not None:
        raise AccountError(f"There is already a staff account {name!r} (revoked ones keep their name).")
    token = secrets.token_urlsafe(32)
    session.add(StaffAccount(name=name, token_hash=hash_token(token)))
    session.flush()
    return token


def revoke(session: Session, name: str) -> None:
    account = session.scalar(select(StaffAccount).where(StaffAccount.name == name))
    if account is None:
        raise AccountError(f"No staff account {name!r}.")
    if account.revoked_at is None:
        account.revoked_at = utcnow()


def listing(session: Session) -> list[AccountInfo]:
    return [AccountInfo(a.name, a.created_at.isoformat(timespec="seconds"), a.revoked_at is not None)
            for a in session.scalars(select(StaffAccount).order_by(StaffAccount.id))]


def name_for(session: Session, token: str) -> str | None:
    """The active account holding `token`, or None (unknown or revoked)."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.token_hash == hash_token(token)))
    if account is None or account.revoked_at is not None:
        return None
    return account.name


def any_active(session: Session) -> bool:
    return session.scalar(select(StaffAccount.id).where(StaffAccount.revoked_at.is_(None)).limit(1)) is not None


def is_revoked(session: Session, name: str) -> bool:
    account = session.scalar(select(StaffAccount).where(StaffAccount.name == name))
    return account is not None and account.revoked_at is not None


def revoke_token(session: Session, name: str, token: str) -> None:
    """Revoke `name`, first recording it with `token` when it has no row (the bootstrap account,
    whose token lives in TUTOR_STAFF_TOKEN or var/staff_token rather than in this table)."""
    if session.scalar(select(StaffAccount).where(StaffAccount.name == name)) is None:
        session.add(StaffAccount(name=name, token_hash=hash_token(token), revoked_at=utcnow()))
        session.flush()
        return
    revoke(session, name)
