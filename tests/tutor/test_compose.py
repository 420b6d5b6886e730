"""docker-compose.yml stays true to `make run`: same services, commands, ports and variables.

No Docker engine runs here (ARCHITECTURE.md, fact 12), so this checks the file statically
against tutor/services.py and tutor/settings.py.
"""

import re
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tutor.services import app_argv, rasa_argv, services
from tutor.settings import Settings


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


@pytest.fixture(scope="module")
def compose_settings(compose, monkeypatch_module):
    for key, value in compose["api"]["environment"].items():
        monkeypatch_module.setenv(key, str(value))
    return Settings(bot_dir=Path("/app/bot"))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_compose_runs_every_service_make_run_starts(compose):
    started = {s.name for s in services(Settings(), Path("model.tar.gz"))}
    assert started <= set(compose)
    assert {"postgres", "migrate"} <= set(compose)


@pytest.mark.parametrize("name", ["actions", "worker", "api"])
def test_compose_app_commands_match_make_run(compose, compose_settings, name):
    expected = [("python" if part == sys.executable else part) for part in app_argv(name, compose_settings)]
    assert compose[name]["command"] == expected


def test_compose_rasa_command_matches_make_run(compose, compose_settings):
    assert compose["rasa"]["image"] == "rasa/rasa:3.6.21"
    # Both start Rasa through bot/launch.py; the token is compose's own ${TUTOR_RASA_TOKEN}.
    settings = compose_settings.model_copy(update={"rasa_token": "${TUTOR_RASA_TOKEN}"})
    argv = rasa_argv(settings, Path("/app/models"))
    assert compose["rasa"]["entrypoint"] == ["python", *argv[1:3]]
    assert compose["rasa"]["command"] == argv[3:]


def test_compose_publishes_the_default_ports(compose):
    """The ports make run uses when nothing is set: the field defaults, not the environment."""
    default = {name: Settings.model_fields[name].default for name in ("rasa_port", "actions_port", "api_port")}
    assert compose["rasa"]["ports"] == [f"{default['rasa_port']}:{default['rasa_port']}"]
    assert compose["actions"]["ports"] == [f"{default['actions_port']}:{default['actions_port']}"]
    assert compose["api"]["ports"] == [f"{default['api_port']}:{default['api_port']}"]


def test_compose_sets_every_variable_make_run_passes(compose, compose_settings):
    env = compose["api"]["environment"]
    assert set(compose_settings.child_env()) <= set(env)
    for service in ("actions", "worker", "api", "migrate", "rasa"):
        assert compose[service]["environment"] == env
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert compose_settings.action_endpoint_url == env["ACTION_ENDPOINT_URL"]


@pytest.mark.parametrize("name", ["endpoints.yml", "credentials.yml"])
def test_compose_gives_rasa_every_variable_its_config_files_read(compose, name):
    needed = set(re.findall(r"\$\{(\w+)\}", (ROOT / "bot" / name).read_text()))
    assert needed and needed <= set(compose["rasa"]["environment"])


def test_makefile_run_and_test_use_the_same_entry_points():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: .*\n\t\$\(APP_PY\) -m tutor run$", makefile, re.M)
    assert re.search(r"^test: .*\n\t.*-m pytest", makefile, re.M)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements/app.lock.txt" in dockerfile and "app-nodeps.txt" in dockerfile


def test_dockerfile_copies_every_package_the_services_import_and_the_data_they_read():
    import tomllib

    dockerfile = (ROOT / "Dockerfile").read_text()
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in (p.rstrip("*") for p in packages):
        assert f"COPY {package} {package}" in dockerfile, package
    assert "COPY data data" in dockerfile


def test_compose_services_share_one_lesson_folder_so_staff_edits_reach_the_chat():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in ("api", "actions", "worker"):
        assert "./lessons:/app/lessons" in compose["services"][service]["volumes"], service
