"""The staff page (/staff-ui) in headless Chromium against a live API on a free port, over a
SQLite database with lesson progress: a wrong token gets a clear message, the right one shows
six sections, one at a time from the navigation (Lessons, Funnel with the learners, Questions,
Unanswered, Handoffs, Audit), all data as text, at 1280 px and on a tablet (820 px). Each
section's screenshot is saved in test-output/web/staff-section-*.png.

Only the API runs here (uvicorn in a thread): the page needs no Rasa, worker or chat bundle.
"""

import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.api.test_staff import EMPTY_LESSON as LATER
from tests.api.test_staff import QUIZ_LESSON as LESSON
from tests.web.conftest import OUT, ROOT

pytestmark = [pytest.mark.slow]

SCRIPT = Path(__file__).with_name("staff_page.mjs")
EDITOR_SCRIPT = Path(__file__).with_name("staff_editor.mjs")
TOKEN = "staff-s3cret"
MARKUP = '<img src=x onerror="window.__injected=true"><b>bold</b>'


def _seed(sessions) -> None:
    """ann completed the quiz lesson (q1 wrong, then right; q2 right); bob is at q2 after getting
    q1 right; a learner whose id and question look like HTML quit at q1."""
    from db import repository as repo
    from db.models import LessonProgress, LessonStatus, QuizAttempt, utcnow

    with sessions() as s:
        ann, bob, odd = (repo.get_or_create_learner(s, "socketio", name) for name in ("ann", "bob", MARKUP))
        for learner, status, step, completed in ((ann, LessonStatus.completed, None, utcnow()),
                                                 (bob, LessonStatus.active, "q2", None),
                                                 (odd, LessonStatus.quit, "q1", None)):
            s.add(LessonProgress(learner_id=learner.id, lesson_id="quiz", status=status, step_id=step,
                                 position={}, conversation_id=learner.external_id, completed_at=completed))
        for learner, step, correct, try_number in ((ann, "q1", False, 1), (ann, "q1", True, 2),
                                                   (bob, "q1", True, 1), (ann, "q2", True, 1)):
            s.add(QuizAttempt(learner_id=learner.id, lesson_id="quiz", step_id=step, answer="x",
                              correct=correct, try_number=try_number, seconds=3.0))
            s.flush()
        repo.record_unanswered(s, odd, odd.external_id, f"what is {MARKUP}?", "convolution", 0.42)
        s.commit()


@pytest.fixture
def api_url(make_settings, sqlite_sessions, tmp_path):
    """The API (create_app) served by uvicorn on a free port, in a thread, until the test ends."""
    import uvicorn

    from api.main import create_app

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-quiz.yml").write_text(LESSON)
    (lessons / "02-later.yml").write_text(LATER)
    _seed(sqlite_sessions)
    app = create_app(make_settings(staff_token=TOKEN, lessons_dir=lessons))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    server.force_exit = True  # do not wait for the browser's keep-alive connection to close
    thread.join(timeout=10)
    sock.close()


def test_staff_page_refuses_a_wrong_token_then_shows_each_section_from_the_navigation_as_text(browser_tools, api_url):
    options = {"url": f"{api_url}/staff-ui", "token": TOKEN, "outDir": str(OUT), "chromium": browser_tools}
    done = subprocess.run(["node", str(SCRIPT)], input=json.dumps(options), capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 0, f"staff page scenario failed (screenshot in {OUT}):\n{done.stderr[-4000:]}"
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["problems"] == []

    refused = found["refused"]
    assert "token was not accepted" in refused["message"]
    assert refused["formVisible"] and not refused["reportsVisible"] and refused["stored"] is None

    loaded = found["loaded"]
    assert loaded["messageHidden"]
    assert loaded["first"] == {"section": "lessons", "visible": ["lessons"], "who": "Signed in as bootstrap",
                               "nav": ["Lessons", "Funnel", "Questions", "Unanswered", "Handoffs", "Audit"]}
    assert loaded["shown"] == {name: [name] for name in ("funnel", "questions", "unanswered", "handoffs", "audit")}
    # Lesson | Started | Completed | In progress | Quit | bar | Most stopped at
    quiz, later = loaded["funnel"]
    assert quiz[:5] == ["1. Quiz lesson", "3", "1", "1", "1"]
    assert quiz[6].startswith("step 2, q1 (ask): 1")  # the earlier step wins a tie with q2
    assert later[:5] == ["2. Later lesson", "0", "0", "0", "0"] and later[6] == "–"
    # Hardest first: q1 50 % (ann wrong first, bob right), then q2 100 % (ann).
    assert [(row[0], row[1], row[3]) for row in loaded["questions"]] == [
        ("Quiz lesson", "q1 Which one is right?", "50%"), ("Quiz lesson", "q2 Type yes.", "100%")]
    assert f"what is {MARKUP}?" in loaded["unansweredText"]  # shown as the text it is
    learners = loaded["learners"]
    assert [row[0].split()[:3] for row in learners[1:]] == [["#2", "socketio", "bob"], ["#1", "socketio", "ann"]]
    assert MARKUP in learners[0][0]  # shown as the text it is
    assert "Quiz lesson: active, step 3 of 4; quiz 1 right first try, 1 attempt" in learners[1][3]
    assert loaded["injected"] == {"ran": False, "imgs": 0, "bold": 0}
    assert all(link.startswith("progress/") and link.endswith("/chart.png") for link in loaded["chartLinks"])
    assert loaded["tablet"] == {"scrollWidth": 820, "navVisible": True}

    assert found["afterReload"] == 2
    assert found["signedOut"] == {"stored": None, "funnelRows": 0}
    # make run's link (tutor/staff_token.py) signs in from the fragment, which then leaves the URL.
    assert found["fromLink"] == [{"funnelRows": 2, "address": f"{api_url}/staff-ui"}] * 2


def test_the_studio_completes_lesson_fields_from_the_schema_and_creates_a_lesson_on_a_tablet_width(
        browser_tools, api_url, sqlite_sessions, tmp_path):
    options = {"url": f"{api_url}/staff-ui", "token": TOKEN, "outDir": str(OUT), "chromium": browser_tools}
    done = subprocess.run(["node", str(EDITOR_SCRIPT)], input=json.dumps(options), capture_output=True,
                          text=True, timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 0, f"studio editor scenario failed (screenshot in {OUT}):\n{done.stderr[-4000:]}"
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["problems"] == []
    assert "minutes" in found["topLevel"] and "question" not in found["topLevel"]
    assert "say" in found["typeValues"] and "minutes" not in found["typeValues"]
    assert found["asked"] == ["Discard your unsaved changes to this lesson?"] * 2
    assert found["keptAfterDismiss"] == "quiz (01-quiz.yml)"  # dismissed: the edited lesson stays
    assert found["created"] == "my-new-lesson (my-new-lesson.yml)"
    assert (tmp_path / "lessons" / "my-new-lesson.yml").is_file()
    assert found["tablet"]["scrollWidth"] == 820 and found["tablet"]["editorWidth"] > 700

    from db import audit
    with sqlite_sessions() as s:
        entries, _ = audit.recent(s)
        assert [(e.staff, e.action, e.target) for e in entries] == [("bootstrap", "create", "lesson:my-new-lesson")]
