"""The scaled profile's launcher (tutor/scaled.py): its settings, and a clear stop naming the server
that is not running, before any service starts."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, require_server
from tutor.scaled import check_servers, scaled_settings
from tutor.settings import Settings
from tutor.supervisor import ServiceFailed, free_port


def test_scaled_settings_put_jobs_on_celery_and_rasa_on_postgres_and_the_scaled_endpoints(tmp_path):
    settings = scaled_settings(Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/t.db"))
    assert settings.job_engine == "celery"
    assert settings.database_url == settings.tracker_url == "postgresql://postgres@127.0.0.1:5432/tutor"
    assert settings.rasa_endpoints_file == "endpoints-scaled.yml"
    kept = scaled_settings(Settings(database_url="postgresql://me@db:5432/course"))
    assert kept.db_url == kept.tracker_store_url == "postgresql://me@db:5432/course"


def test_scaled_settings_run_two_action_server_workers_unless_told_otherwise():
    assert Settings().actions_workers is None  # make run: one process
    assert scaled_settings(Settings()).actions_workers == 2
    assert scaled_settings(Settings()).child_env()["TUTOR_ACTIONS_WORKERS"] == "2"
    assert scaled_settings(Settings(actions_workers=3)).actions_workers == 3


def test_check_servers_names_a_missing_redis_broker_and_its_variable(postgres_url):
    port = free_port()
    settings = scaled_settings(Settings(database_url=postgres_url, broker_url=f"redis://127.0.0.1:{port}/0"))
    with pytest.raises(ServiceFailed) as failed:
        check_servers(settings)
    message = str(failed.value)
    assert message.startswith(f"Redis (Celery broker) is not reachable at 127.0.0.1:{port}/0")
    assert "TUTOR_BROKER_URL" in message


def test_check_servers_names_a_missing_postgres_and_its_variable():
    port = free_port()
    settings = scaled_settings(Settings(database_url=f"postgresql://postgres@127.0.0.1:{port}/tutor"))
    with pytest.raises(ServiceFailed) as failed:
        check_servers(settings)
    assert str(failed.value).startswith(
        f"PostgreSQL (jobs database and Rasa tracker store) is not reachable at 127.0.0.1:{port}/tutor")
    assert "DATABASE_URL" in str(failed.value)


def test_check_servers_lists_each_server_it_reached_and_creates_a_missing_database(postgres_url):
    require_server("Redis", "127.0.0.1", 6379)
    missing_db = postgres_url + "_new"
    try:
        lines = check_servers(scaled_settings(Settings(database_url=missing_db)))
    finally:
        import sqlalchemy as sa

        from db.engine import make_engine

        admin = make_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{missing_db.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "jobs database and Rasa tracker store", "Celery broker", "Rasa lock store"]


def test_run_scaled_exits_with_the_missing_servers_name_before_starting_anything(tmp_path, postgres_url):
    port = free_port()
    env = {**os.environ, "TUTOR_VAR_DIR": str(tmp_path), "DATABASE_URL": postgres_url,
           "TUTOR_BROKER_URL": f"redis://127.0.0.1:{port}/0"}
    run = subprocess.run([sys.executable, "-m", "tutor", "run-scaled"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert f"Redis (Celery broker) is not reachable at 127.0.0.1:{port}/0" in run.stderr
    assert not (tmp_path / "services.pids").exists()  # nothing was started
