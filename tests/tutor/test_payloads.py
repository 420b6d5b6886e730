"""The chat payload contract: typed models, a committed JSON Schema, and fixtures that obey it."""

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from tutor import payloads

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"
PAYLOAD_MODELS = [payloads.JobCard, payloads.JobProgress, payloads.JobResult, payloads.JobsCancelled,
                  payloads.ModelList, payloads.FaqMeta, payloads.LessonState, payloads.StaffNote]


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def test_committed_schema_equals_the_generated_one():
    assert payloads.SCHEMA_FILE.read_text() == payloads.schema_text(), \
        "run `python -m tutor.payloads` to regenerate web/payloads.schema.json"


def test_every_payload_model_has_its_own_type_literal():
    types = [model.model_fields["type"].default for model in PAYLOAD_MODELS]
    assert len(set(types)) == len(types) and all(types)


def test_schema_accepts_what_the_models_build_and_rejects_an_unknown_type():
    validator = jsonschema.Draft202012Validator(payloads.schema())
    card = payloads.as_json_message(payloads.JobCard(job_id=3, skill="vision"))["data"]
    validator.validate(card)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**card, "type": "pizza"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"type": "progress", "job_id": 1, "skill": "vision", "progress": 1.5})


def test_a_result_keeps_a_skills_extras_beside_the_fixed_keys():
    result = payloads.parse({"type": "result", "job_id": 1, "status": "succeeded", "skill": "textgen",
                             "metrics": {"epochs": 5, "accuracy": 0.8}, "generated": "in the town"})
    dumped = result.model_dump(mode="json")
    assert dumped["generated"] == "in the town" and dumped["metrics"]["epochs"] == 5


def test_parse_rejects_a_payload_that_breaks_the_contract():
    with pytest.raises(ValidationError):
        payloads.parse({"type": "job", "job_id": 1, "skill": "vision", "status": "queued", "path": "/etc"})


def test_there_is_a_renderer_fixture_for_every_payload_type():
    seen = {json.loads(path.read_text())["type"] for path in _fixtures()}
    assert seen >= {model.model_fields["type"].default for model in PAYLOAD_MODELS}


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_every_renderer_fixture_obeys_the_schema(path):
    jsonschema.Draft202012Validator(payloads.schema()).validate(json.loads(path.read_text()))
