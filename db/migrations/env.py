"""Alembic environment: runs migrations on the engine Tutor itself would use."""

from alembic import context
from alembic.runtime.environment import NameFilterParentNames, NameFilterType

from db import (
    inbox_models,  # noqa: F401  (its tables join Base.metadata)
    staff_models,  # noqa: F401  (its tables join Base.metadata)
)
from db.engine import make_engine
from db.models import Base

config = context.config


def include_name(name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames) -> bool:
    """Only Tutor's own tables: Rasa's tracker store may share the database (compose)."""
    return type_ != "table" or name in Base.metadata.tables


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # db.migrate.alembic_config always sets it
        raise RuntimeError("no sqlalchemy.url in the Alembic config")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_name=include_name,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
