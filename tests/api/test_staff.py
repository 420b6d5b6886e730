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
