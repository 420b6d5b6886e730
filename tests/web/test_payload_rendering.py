"""The widget renders every chat payload the contract allows: the shared renderer fixtures
(tests/fixtures/payloads, checked against web/payloads.schema.json) go through the real bundle."""

import json
from pathlib import Path

import jsonschema

from tutor import payloads

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"


def _fixtures() -> list[dict]:
    found = [json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))]
    validator = jsonschema.Draft202012Validator(json.loads(payloads.SCHEMA_FILE.read_text()))
    for payload in found:
        validator.validate(payload)  # a fixture outside the contract would test nothing real
    return found


def test_widget_renders_every_contract_payload_fixture(scenario):
    fixtures = _fixtures()
    found = scenario("payloads", payloads=fixtures)
    assert found["errors"] == []
    by_type: dict[str, list[dict]] = {}
    for payload in fixtures:
        by_type.setdefault(payload["type"], []).append(payload)
    for card in by_type.get("job", []):
        assert any(title.startswith(f"Job #{card['job_id']}") for title in found["jobTitles"])
    succeeded = [r for r in by_type.get("result", []) if r["status"] == "succeeded"]
    assert succeeded, "the fixtures include a finished training"
    for result in succeeded:
        assert f"Job #{result['job_id']} results" in found["resultTitles"]
    hidden = {"plot", "validation-data"}  # web/src/format.js HIDDEN_KINDS: shown, not offered
    offered = {a["url"] for r in succeeded for a in r.get("artifacts", []) if a["kind"] not in hidden}
    assert offered and offered <= set(found["downloads"])
    assert found["metricRows"] >= 1
    if any(r.get("generated") for r in succeeded):
        assert found["generated"]
    if any(r.get("table") for r in succeeded):
        assert found["comparisonRows"] >= 1
    for listing in by_type.get("models", []):
        for item in listing["items"]:
            assert any(t.startswith(f"#{item['job_id']} ") for t in found["modelTitles"])
    lessons = by_type.get("lesson", [])
    if lessons and not lessons[-1]["finished"]:
        assert lessons[-1]["title"] in (found["lessonChip"] or "")


def test_a_code_block_in_an_answer_has_a_copy_button_that_copies_only_the_code(scenario):
    code = "x_train = x_train / 255.0\nmodel.fit(x_train, y_train, epochs=5)"
    found = scenario("codeCopy", text=f"Scale the pixels first:\n\n```python\n{code}\n```\n\nThen train again.")
    assert found["buttons"] == 1
    assert found["copied"].strip() == code
    assert found["label"] == "Copied"
