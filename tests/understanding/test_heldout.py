"""understanding/heldout.py: the held-out set is scored as frozen, and its judged sheet matches it."""

import pytest
import yaml

from understanding import heldout

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["round2", "round3", "round4", "round5", "round6", "round7", "round8"])
def test_each_held_out_set_keeps_its_frozen_size_and_a_judged_sheet_judges_every_question(name):
    path = heldout.HELD_OUT.with_name(f"{name}.yml")
    data = yaml.safe_load(path.read_text())
    assert (len(data["questions"]), len(data["skills"]), len(data["off_topic"])) == (120, 40, 40)
    assert {s["skill"] for s in data["skills"]} <= set(heldout.RIGHT_INTENTS)
    marks = yaml.safe_load(path.with_name(f"{name}_judged.yml").read_text())
    assert sorted(m["n"] for m in marks) == list(range(120))
    assert [m["style"] for m in sorted(marks, key=lambda m: m["n"])] == [q["style"] for q in data["questions"]]


def test_held_out_scoring_writes_a_judge_sheet_with_the_reply_tutor_picks(router, tmp_path):
    sheet = tmp_path / "sheet.yml"
    result = heldout.evaluate(router, sheet=sheet)
    assert result["skills"][1] == 40 and result["off_topic_declined"][1] == 40
    rows = yaml.safe_load(sheet.read_text())
    assert len(rows) == 120
    assert all(r["tutor"].startswith(("ANSWER [", "NOT SURE", "DECLINED", "RAN COMMAND")) for r in rows)
