from alembic import command
from sqlalchemy import inspect

from db.engine import make_engine
from db.migrate import alembic_config, upgrade


def test_migrations_create_every_table(db_url):
    upgrade(db_url)
    tables = set(inspect(make_engine(db_url)).get_table_names())
    assert {"learners", "jobs", "artifacts", "alembic_version"} <= tables


def test_migrations_match_the_models(db_url):
    """`alembic check` fails when a model changed without a migration."""
    upgrade(db_url)
    command.check(alembic_config(db_url))


def test_migrations_downgrade_to_empty_and_back(db_url):
    upgrade(db_url)
    command.downgrade(alembic_config(db_url), "base")
    assert "jobs" not in inspect(make_engine(db_url)).get_table_names()
    upgrade(db_url)
    assert "jobs" in inspect(make_engine(db_url)).get_table_names()
