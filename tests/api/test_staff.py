import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from db import repository as repo


@pytest.fixture
def staff_client(make_settings, sqlite_sessions):
    with TestClient(create_app(make_settings(staff_token="s3cret"))) as c:
        yield c


def test_staff_unanswered_lists_questions_newest_first_with_the_closest_guess(staff_client, sqlite_sessions):
    with sqlite_sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "u1")
        repo.record_unanswered(s, learner, "u1", "what is a capsule network?", "convolution", 0.41)
        repo.record_unanswered(s, learner, "u1", "how do GANs work?", "text-generation", 0.38)
        s.commit()
    r = staff_client.get("/staff/unanswered", headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200
    body = r.json()
    assert [q["text"] for q in body] == ["how do GANs work?", "what is a capsule network?"]
    assert body[1]["best_guess"] == "convolution" and body[1]["score"] == 0.41
    assert body[1]["channel"] == "socketio"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}])
def test_staff_unanswered_refuses_requests_without_the_staff_token(staff_client, headers):
    assert staff_client.get("/staff/unanswered", headers=headers).status_code == 401


def test_staff_api_is_off_until_a_token_is_configured(settings, sqlite_sessions):
    with TestClient(create_app(settings)) as c:
        r = c.get("/staff/unanswered", headers={"Authorization": "Bearer anything"})
        assert r.status_code == 503 and "TUTOR_STAFF_TOKEN" in r.json()["detail"]


# ---- progress reports: learners, funnel, question difficulty; the chart and the staff page ------

AUTH = {"Authorization": "Bearer s3cret"}
REPORTS = ["/staff/learners", "/staff/funnel", "/staff/questions"]
QUIZ_LESSON = """
id: quiz
title: Quiz lesson
chapters: [1]
minutes: 5
steps:
  - {id: hello, type: say, text: "Hello."}
  - id: q1
    type: ask
    kind: choice
    question: "Which one is right?"
    options:
      - {id: a, text: "This one", correct: true}
      - {id: b, text: "That one"}
  - {id: q2, type: ask, kind: short, question: "Type yes.", accept: ["yes"]}
  - {id: bye, type: say, text: "Bye."}
"""
EMPTY_LESSON = """
id: later
title: Later lesson
chapters: [2]
minutes: 5
steps:
  - {id: only, type: say, text: "Nothing to see."}
"""


@pytest.fixture
def report_client(make_settings, sqlite_sessions, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-quiz.yml").write_text(QUIZ_LESSON)
    (lessons / "02-later.yml").write_text(EMPTY_LESSON)
    with TestClient(create_app(make_settings(staff_token="s3cret", lessons_dir=lessons))) as c:
        yield c


@pytest.fixture
def progress_rows(sqlite_sessions):
    """ann completed the quiz lesson (q1 and q2 each wrong, then right); bob is at q2 (q1 right,
    q2 wrong) and ran one training; cid quit at q1 without answering. Returns public ids."""
    from db.models import LessonProgress, LessonStatus, QuizAttempt, utcnow

    with sqlite_sessions() as s:
        ann, bob, cid = (repo.get_or_create_learner(s, "socketio", name) for name in ("ann", "bob", "cid"))
        now = utcnow()
        for learner, status, step, completed in ((ann, LessonStatus.completed, None, now),
                                                 (bob, LessonStatus.active, "q2", None),
                                                 (cid, LessonStatus.quit, "q1", None)):
            s.add(LessonProgress(learner_id=learner.id, lesson_id="quiz", status=status, step_id=step,
                                 position={}, conversation_id=learner.external_id, completed_at=completed))
        for learner, step, correct, try_number in ((ann, "q1", False, 1), (ann, "q1", True, 2), (bob, "q1", True, 1),
                                                   (ann, "q2", False, 1), (ann, "q2", True, 2),
                                                   (bob, "q2", False, 1)):
            s.add(QuizAttempt(learner_id=learner.id, lesson_id="quiz", step_id=step, answer="x",
                              correct=correct, try_number=try_number, seconds=4.0))
            s.flush()
        repo.create_job(s, bob, "bob", "hello_neuron", {})
        s.commit()
        return {learner.external_id: learner.public_id for learner in (ann, bob, cid)}


@pytest.mark.parametrize("path", REPORTS)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}])
def test_staff_reports_refuse_requests_without_the_staff_token(report_client, progress_rows, path, headers):
    r = report_client.get(path, headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "external_id" not in r.text and "quiz" not in r.text


def test_staff_funnel_counts_started_completed_quit_and_the_drop_off_step(report_client, progress_rows):
    r = report_client.get("/staff/funnel", headers=AUTH)
    assert r.status_code == 200
    quiz, later = r.json()
    assert (quiz["lesson_id"], quiz["title"], quiz["steps"]) == ("quiz", "Quiz lesson", 4)
    assert (quiz["started"], quiz["completed"], quiz["in_progress"], quiz["quit"]) == (3, 1, 1, 1)
    assert quiz["drop_off"] == [{"step_id": "q1", "step_number": 2, "type": "ask", "learners": 1},
                                {"step_id": "q2", "step_number": 3, "type": "ask", "learners": 1}]
    assert quiz["top_drop_off_step"] == "q1"
    assert (later["lesson_id"], later["started"], later["drop_off"], later["top_drop_off_step"]) == (
        "later", 0, [], None)


def test_staff_questions_lists_the_hardest_first_with_first_try_percent(report_client, progress_rows):
    body = report_client.get("/staff/questions", headers=AUTH).json()
    assert [(q["step_id"], q["first_try_correct_pct"]) for q in body] == [("q2", 0.0), ("q1", 50.0)]
    q1 = body[1]
    assert q1 == {"lesson_id": "quiz", "lesson_title": "Quiz lesson", "step_id": "q1",
                  "question": "Which one is right?", "learners": 2, "first_try_correct_pct": 50.0,
                  "mean_attempts": 1.5, "median_seconds": 4.0}


def test_staff_learners_lists_progress_newest_first_and_pages(report_client, progress_rows):
    body = report_client.get("/staff/learners", headers=AUTH).json()
    assert [item["external_id"] for item in body] == ["cid", "bob", "ann"]
    bob = body[1]
    assert bob["trainings"] == 1 and bob["public_id"] == progress_rows["bob"]
    (lesson,) = bob["lessons"]
    assert {k: lesson[k] for k in ("lesson_id", "title", "status", "step_id", "step_number", "total_steps",
                                   "quiz_attempts", "first_try_correct", "completed_at")} == {
        "lesson_id": "quiz", "title": "Quiz lesson", "status": "active", "step_id": "q2", "step_number": 3,
        "total_steps": 4, "quiz_attempts": 2, "first_try_correct": 1, "completed_at": None}
    page = report_client.get("/staff/learners?limit=1&offset=1", headers=AUTH).json()
    assert [item["external_id"] for item in page] == ["bob"]
    assert report_client.get("/staff/learners?limit=0", headers=AUTH).status_code == 422


def test_staff_reports_are_described_in_the_openapi_docs(report_client):
    spec = report_client.get("/openapi.json").json()
    for path in REPORTS:
        assert "200" in spec["paths"][path]["get"]["responses"], path
    assert "first_try_correct_pct" in spec["components"]["schemas"]["QuestionDifficultyOut"]["properties"]
    assert "/staff-ui" in spec["paths"] and "/progress/{public_id}/chart.png" in spec["paths"]


def test_progress_chart_is_a_png_for_a_learner_without_a_token_and_never_cached(report_client, progress_rows):
    r = report_client.get(f"/progress/{progress_rows['bob']}/chart.png")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert r.headers["content-type"] == "image/png" and r.headers["cache-control"] == "no-store"
    other = report_client.get(f"/progress/{progress_rows['ann']}/chart.png")
    assert other.content != r.content  # drawn from each learner's own numbers


@pytest.mark.parametrize("public_id", ["0" * 32, "1", "ann"])
def test_progress_chart_is_404_for_an_unknown_learner(report_client, progress_rows, public_id):
    assert report_client.get(f"/progress/{public_id}/chart.png").status_code == 404


def test_staff_page_is_html_with_its_script_and_no_data_and_needs_no_token(report_client, progress_rows):
    page = report_client.get("/staff-ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<table id="funnel">' in page.text and "staff-ui/staff.js" in page.text
    assert progress_rows["ann"] not in page.text and "Quiz lesson" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = report_client.get("/staff-ui/staff.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text.replace("never innerHTML", "")
    assert report_client.get("/staff-ui/staff.css").headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("name", ["staff.html.bak", "..%2Fmain.py", "index.html", "missing.js"])
def test_staff_page_serves_only_its_own_files(report_client, name):
    assert report_client.get(f"/staff-ui/{name}").status_code == 404
