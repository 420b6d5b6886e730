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


def test_migration_0003_gives_every_existing_learner_its_own_public_id(db_url):
    import sqlalchemy as sa

    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for name in ("a", "b", "c"):
            conn.execute(sa.text("INSERT INTO learners (channel, external_id, created_at) "
                                 "VALUES ('socketio', :name, CURRENT_TIMESTAMP)"), {"name": name})
    upgrade(db_url)
    with engine.connect() as conn:
        ids = [row[0] for row in conn.execute(sa.text("SELECT public_id FROM learners"))]
    assert len(ids) == 3 and len(set(ids)) == 3 and all(len(i) == 32 for i in ids)
    assert {"lesson_progress", "quiz_attempts"} <= set(inspect(engine).get_table_names())
