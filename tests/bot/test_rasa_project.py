"""Data checks on the Rasa project, and Rasa's own validator and story tests (in .venv-rasa)."""

import os
import re
import subprocess
from collections import Counter

import pytest
import yaml

from tests.conftest import ROOT
from tutor.settings import Settings

BOT = ROOT / "bot"
# Warnings that are expected by design: external intents are sent by the worker, never typed,
# and utter_default is the response Rasa's built-in action_default_fallback uses.
EXPECTED_WARNINGS = (
    "'EXTERNAL_job_progress' is listed in the domain file, but is not found in the NLU",
    "'EXTERNAL_job_result' is listed in the domain file, but is not found in the NLU",
    "The utterance 'utter_default' is not used in any story or rule",
)


def _examples() -> Counter:
    counts = Counter()
    for item in yaml.safe_load((BOT / "data" / "nlu.yml").read_text())["nlu"]:
        if "intent" in item:
            counts[item["intent"]] += len([l for l in item["examples"].splitlines() if l.strip()])
    return counts


def test_every_typed_intent_has_at_least_15_varied_examples():
    domain = yaml.safe_load((BOT / "domain.yml").read_text())
    typed = [i for i in domain["intents"] if not i.startswith("EXTERNAL_") and i != "nlu_fallback"]
    counts = _examples()
    assert {i: counts[i] for i in typed if counts[i] < 15} == {}


def test_nlu_examples_are_not_repeated():
    lines = [l.strip().lower() for l in (BOT / "data" / "nlu.yml").read_text().splitlines()
             if l.strip().startswith("- ") and "intent:" not in l]
    assert [l for l, n in Counter(lines).items() if n > 1] == []


def _rasa(*args, timeout=600) -> subprocess.CompletedProcess:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "rasa"), *args], cwd=BOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.rasa
def test_rasa_data_validate_passes_with_only_expected_warnings():
    run = _rasa("data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    warnings = [l for l in (run.stdout + run.stderr).splitlines() if "UserWarning" in l]
    unexpected = [w for w in warnings if not any(e in w for e in EXPECTED_WARNINGS)]
    assert unexpected == []


@pytest.mark.rasa
@pytest.mark.slow
def test_rasa_test_stories_all_pass(tmp_path):
    from tutor.botmodel import ensure_model

    model, _ = ensure_model(Settings())
    run = _rasa("test", "core", "--model", str(model), "--stories", "tests",
                "--out", str(tmp_path), "--fail-on-prediction-errors")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = (tmp_path / "story_report.json").read_text()
    assert re.search(r'"conversation_accuracy"\s*:\s*\{[^}]*"accuracy"\s*:\s*1\.0', report), report[:2000]
