""""Forget me": every row that belongs to one learner, found through the schema's foreign keys.

Rather than a hand-kept list of tables (which the next table would silently escape), the rows to
delete are found from `Base.metadata`: the learner's row, every row whose foreign key points at
it, every row pointing at those (a job's artifacts), and so on. Tables a module declares are in
the metadata once it is imported, so `forget` imports every model module first.
"""

import importlib
from collections import Counter

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from db.models import Base, Learner

# Modules that declare tables beside db.models (imported so their tables are in the metadata).
MODEL_MODULES = ("db.inbox_models", "db.staff_models")


def _tables() -> list[Table]:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a module not in this version of the schema
            continue
    return list(Base.metadata.sorted_tables)


def owned_rows(session: Session, learner: Learner) -> dict[str, set[int]]:
    """table name -> ids of the rows that are the learner's (their own row included)."""
    tables = _tables()
    found: dict[str, set[int]] = {"learners": {learner.id}}
    grew = True
    while grew:
        grew = False
        for table in tables:
            if "id" not in table.c:
                continue
            for fk in table.foreign_keys:
                owner = fk.column.table.name
                if owner not in found or fk.column.name != "id":
                    continue
                ids = set(session.scalars(select(table.c.id).where(fk.parent.in_(found[owner]))))
                if not ids <= found.get(table.name, set()):
                    found.setdefault(table.name, set()).update(ids)
                    grew = True
    return found


def forget(session: Session, learner: Learner) -> Counter[str]:
    """Delete the learner and everything that points at them; returns rows deleted per table.
    The caller commits (and removes the learner's files, which rows only name)."""
    found = owned_rows(session, learner)
    deleted: Counter[str] = Counter()
    session.flush()
    session.expunge_all()  # the ORM must not re-save or cascade what is deleted below
    for table in reversed(_tables()):  # dependents first, the learner last
        ids = found.get(table.name)
        if ids:
            session.execute(delete(table).where(table.c.id.in_(ids)))
            deleted[table.name] = len(ids)
    return deleted
