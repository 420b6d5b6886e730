"""docker-compose.yml stays true to `make run-scaled`: same services, commands, ports and variables
(`make run`'s, with PostgreSQL, Redis and Celery workers in place of SQLite and the polling worker).

No Docker engine runs here (docs/decisions.md, D12), so this checks the file statically
against tutor/services.py and tutor/settings.py.
"""

import re
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tutor.services import app_argv, celery_worker_argv, rasa_argv, scaled_services
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


def test_compose_runs_every_service_make_run_scaled_starts(compose, compose_settings):
    started = {s.name for s in scaled_services(compose_settings, Path("model.tar.gz"))}
    assert started <= set(compose)
    assert {"postgres", "redis", "migrate"} <= set(compose)
    assert {"worker-1", "worker-2"} <= started and "worker" not in compose


@pytest.mark.parametrize("name", ["actions", "api"])
def test_compose_app_commands_match_make_run(compose, compose_settings, name):
    expected = [("python" if part == sys.executable else part) for part in app_argv(name, compose_settings)]
    assert compose[name]["command"] == expected


@pytest.mark.parametrize("index", [1, 2])
def test_compose_celery_workers_match_make_run_scaled(compose, index):
    expected = [("python" if part == sys.executable else part) for part in celery_worker_argv(index)]
    assert compose[f"worker-{index}"]["command"] == expected


def test_compose_runs_jobs_on_celery_with_redis_and_rasas_redis_lock_store(compose, compose_settings):
    assert compose_settings.job_engine == "celery"
    assert compose_settings.broker_url.startswith("redis://redis:6379/")
    endpoints = yaml.safe_load((ROOT / "bot" / compose_settings.rasa_endpoints_file).read_text())
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["tracker_store"]["cache_conversations"] == 0  # several Rasa processes (D28)
    env = compose["api"]["environment"]
    assert (env["LOCK_STORE_HOST"], env["LOCK_STORE_PORT"]) == ("redis", "6379")
    assert "ports" not in compose["redis"]


def test_compose_rasa_command_matches_make_run(compose, compose_settings):
    assert compose["rasa"]["build"]["dockerfile"] == "Dockerfile.rasa"
    rasa_image = (ROOT / "Dockerfile.rasa").read_text()
    assert "FROM rasa/rasa:3.6.21" in rasa_image and "tokenizers==0.20.3" in rasa_image
    assert "tokenizers==0.20.3" in (ROOT / "requirements" / "rasa.lock.txt").read_text()
    rasa_lock = (ROOT / "requirements" / "rasa.lock.txt").read_text()
    assert "onnxruntime==1.32.0" in rasa_image and "onnxruntime==1.32.0" in rasa_lock
    for folder in ("understanding", "faq", "data"):  # what the NLU component reads
        assert f"./{folder}:/app/{folder}:ro" in compose["rasa"]["volumes"]
    # Both start Rasa through tutor/rasa_launch.py (then bot/launch.py), which reads the token
    # from TUTOR_RASA_TOKEN; the CORS origin is that of compose's TUTOR_PUBLIC_BASE_URL.
    argv = rasa_argv(compose_settings, Path("/app/models"))
    assert compose["rasa"]["entrypoint"] == ["python", *argv[1:3]]
    assert compose["rasa"]["command"] == argv[3:]
    assert "./tutor:/app/tutor:ro" in compose["rasa"]["volumes"] and "./bot:/app/bot:ro" in compose["rasa"]["volumes"]


def test_compose_keeps_the_token_out_of_rasas_argv_and_limits_cors(compose):
    command = " ".join(compose["rasa"]["command"])
    assert "token" not in command.lower() and "*" not in command
    assert compose["rasa"]["environment"]["TUTOR_RASA_TOKEN"].startswith("${TUTOR_RASA_TOKEN:?")


def test_compose_publishes_only_the_api_and_rasa_on_their_default_ports(compose):
    """The ports make run uses when nothing is set: the field defaults, not the environment. The
    action server (no authentication of its own) and PostgreSQL stay inside compose's network."""
    default = {name: Settings.model_fields[name].default for name in ("rasa_port", "api_port")}
    assert compose["rasa"]["ports"] == [f"{default['rasa_port']}:{default['rasa_port']}"]
    assert compose["api"]["ports"] == [f"{default['api_port']}:{default['api_port']}"]
    published = {name for name, service in compose.items() if service.get("ports") or service.get("expose")}
    assert published == {"rasa", "api"}
    assert all("network_mode" not in service for service in compose.values())


def test_compose_takes_the_postgres_password_from_the_environment(compose):
    password = compose["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", password)
    env = compose["api"]["environment"]
    for key in ("DATABASE_URL", "TUTOR_TRACKER_URL", "TRACKER_URL"):
        assert env[key].startswith("postgresql://tutor:${POSTGRES_PASSWORD:?"), key
    assert "tutor:tutor@" not in (ROOT / "docker-compose.yml").read_text()


def test_compose_sets_every_variable_make_run_passes(compose, compose_settings):
    env = compose["api"]["environment"]
    assert set(compose_settings.child_env()) <= set(env)
    for service in ("actions", "worker-1", "worker-2", "api", "migrate", "rasa"):
        assert compose[service]["environment"] == env
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert compose_settings.action_endpoint_url == env["ACTION_ENDPOINT_URL"]


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints-scaled.yml", "credentials.yml"])
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
    for service in ("api", "actions", "worker-1", "worker-2"):
        assert "./lessons:/app/lessons" in compose["services"][service]["volumes"], service


# ---- the TF.js export's tf.min.js --------------------------------------------------------------

def _npm_script_commands(scripts: dict[str, str], name: str) -> list[str]:
    """The shell commands `npm run <name>` runs, with `npm run <other>` expanded in place."""
    commands = []
    for command in (c.strip() for c in scripts[name].split("&&")):
        called = re.fullmatch(r"npm run (?:--silent )?([\w:-]+)", command)
        commands += _npm_script_commands(scripts, called[1]) if called else [command]
    return commands


def _dockerfile_stages(text: str) -> list[dict]:
    """[{"name", "workdir", "lines"}] per FROM, with backslash-continued lines joined."""
    stages: list[dict] = []
    for line in re.sub(r"\\\n\s*", " ", text).splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            name = re.search(r"\bAS (\S+)", line, re.I)
            stages.append({"name": name[1] if name else None, "workdir": "/", "lines": []})
        elif stages and line.startswith("WORKDIR "):
            stages[-1]["workdir"] = line.split(None, 1)[1]
        elif stages and line and not line.startswith("#"):
            stages[-1]["lines"].append(line)
    return stages


def test_web_build_and_dockerfile_put_tf_min_js_where_the_tfjs_export_reads_it():
    """The TF.js export copies tf.min.js from export_formats.TFJS_SCRIPT. `make web` (make run and
    make test) and the image's node stage both run the web build, which must copy it there, and
    the final stage must copy the node stage's file to the same place under /app."""
    import json
    import posixpath

    from skills.export_formats import TFJS_SCRIPT

    wanted = TFJS_SCRIPT.relative_to(ROOT).as_posix()
    assert wanted.startswith("web/dist/")

    # The web build (run in web/) copies @tensorflow/tfjs's tf.min.js to wanted.
    package = json.loads((ROOT / "web" / "package.json").read_text())
    assert "@tensorflow/tfjs" in {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    copies = [command.split()[1:] for command in _npm_script_commands(package["scripts"], "build")
              if command.startswith("cp ")]
    built = {posixpath.join("web", dest.rstrip("/"), posixpath.basename(src)) if dest.endswith("/")
             else posixpath.join("web", dest) for src, dest in copies
             if src == "node_modules/@tensorflow/tfjs/dist/tf.min.js"}
    assert wanted in built, f"the web build script copies tf.min.js to {built or 'nowhere'}, not {wanted}"

    # make run / make test: their setup builds the web bundle with that script.
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^setup: .*\bweb\b", makefile, re.M)
    rule = r"^\$\(WEB_BUNDLE\): .*web/package\.json.*\n\tcd web && .*npm run --silent build\b"
    assert re.search(rule, makefile, re.M)

    # The image: the node stage runs the build in its WORKDIR; the final stage copies the result.
    stages = _dockerfile_stages((ROOT / "Dockerfile").read_text())
    (web,) = [s for s in stages if s["name"] == "web"]
    assert "COPY web/package.json web/package-lock.json ./" in web["lines"]
    assert "RUN npm run build" in web["lines"]
    in_web_stage = posixpath.join(web["workdir"], posixpath.relpath(wanted, "web"))
    final = stages[-1]
    assert "COPY skills skills" in final["lines"]  # so the export's ROOT is the final WORKDIR
    in_image = set()
    for line in final["lines"]:
        copied = re.fullmatch(r"COPY --from=web (\S+) (\S+)", line)
        if copied and (in_web_stage == copied[1] or in_web_stage.startswith(copied[1].rstrip("/") + "/")):
            target = posixpath.join(final["workdir"], copied[2])
            in_image.add(posixpath.normpath(posixpath.join(target, posixpath.relpath(in_web_stage, copied[1]))))
    assert posixpath.join(final["workdir"], wanted) in in_image, (
        f"the image has {in_web_stage} of the web stage at {in_image or 'no path'}, not at "
        f"{posixpath.join(final['workdir'], wanted)}")
