"""The lesson studio in Chromium on the shared stack (issue 18 §1): an error typed into the editor
is marked at its line; fixed, previewed and published, the next learner (the widget, socket.io,
real Rasa) sees the change; a second author gets the conflict message; a revert brings the old
text back for the next learner; the audit section lists the writes. The time from publish to the
learner seeing the change goes to test-output/web/studio-latency.txt, screenshots beside it."""

from pathlib import Path

import pytest

from tests.conftest import STAFF_TOKEN
from tests.web.conftest import OUT

pytestmark = [pytest.mark.slow]

STUDIO = Path(__file__).with_name("staff_studio.mjs")


@pytest.fixture
def bob_token(web_stack):
    """A second, named staff account on the stack's database."""
    import secrets

    from db import staff_accounts
    from db.engine import make_engine, make_session_factory

    engine = make_engine(web_stack.settings.db_url)
    with make_session_factory(engine)() as session:
        token = staff_accounts.add(session, f"bob-{secrets.token_hex(3)}")
        session.commit()
    engine.dispose()
    return token


def test_studio_marks_an_error_publishes_to_the_next_learner_refuses_a_stale_publish_and_reverts(
        scenario, web_stack, bob_token):
    path = web_stack.settings.lessons_dir / "01-hello-neuron.yml"
    original = path.read_text()
    try:
        found = scenario("studio", script=STUDIO, token=STAFF_TOKEN, bobToken=bob_token)
        after_revert = path.read_text()
    finally:
        path.write_text(original)

    (first, *_) = found["lint"]["list"]
    assert (first["line"], first["column"]) == (12, 11) and "unknown type 'sayx'" in first["text"]
    assert found["lint"]["marked"] == {"line": 12, "dots": 1} and found["lint"]["publishDisabled"]

    assert "Edited in the studio." in found["previewStart"]
    assert "Try again" in found["previewWrong"]
    assert "Yes. From data plus answers, the computer infers the rules." in found["previewRight"]
    assert "Here is a tiny puzzle" in found["previewRight"]  # and the lesson went on
    assert found["previewWhere"].startswith("step ")

    assert "Edited in the studio." in found["learnerAfterPublish"]
    assert "Conflict" in found["conflict"] and "bootstrap published version 2" in found["conflict"]
    assert found["bobKeepsText"]
    assert [row.split("\t")[:3] for row in found["versions"]] == [["2", "publish", "bootstrap"],
                                                                  ["1", "file before the first publish", "file"]]
    assert "+      Welcome! In ordinary programming" in found["diff"] and "Edited in the studio." in found["diff"]
    assert "Welcome! In ordinary programming" in found["learnerAfterRevert"]
    assert "Edited in the studio." not in found["learnerAfterRevert"]
    assert after_revert == original  # the revert put the shipped text back
    assert found["audit"][:2] == [["bootstrap", "revert", "lesson:hello-neuron"],
                                  ["bootstrap", "publish", "lesson:hello-neuron"]]

    (OUT / "studio-latency.txt").write_text(
        f"publish -> next learner sees the change: {found['publishToLearnerMs']} ms "
        f"(of which the learner's 'start lesson 1' turn: {found['publishTurnMs']} ms)\n"
        f"revert -> next learner sees the old text: {found['revertToLearnerMs']} ms "
        f"(turn: {found['revertTurnMs']} ms)\n"
        "From the publish's response in the staff page to the lesson's first bubble in a new widget "
        "session (page load, socket.io connect, then the turn through Rasa and the action server).\n")
