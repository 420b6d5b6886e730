"""Named staff tokens (db/staff_accounts.py, `python -m tutor staff`), the bootstrap token, and
the audit log every staff write lands in."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from db import staff_accounts
from tests.api.test_staff import QUIZ_LESSON

YAML = {"Content-Type": "application/yaml"}


@pytest.fixture
def lessons(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01-quiz.yml").write_text(QUIZ_LESSON)
    return folder


@pytest.fixture
def client(make_settings, sqlite_sessions, lessons):
    with TestClient(create_app(make_settings(staff_token="boot", lessons_dir=lessons))) as c:
        yield c


def _add(sessions, name: str) -> str:
    with sessions() as s:
        token = staff_accounts.add(s, name)
        s.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_named_token_signs_in_as_its_account_and_only_its_hash_is_stored(client, sqlite_sessions):
    token = _add(sqlite_sessions, "ann")
    assert client.get("/staff/me", headers=bearer(token)).json() == {"name": "ann"}
    assert client.get("/staff/me", headers=bearer("boot")).json() == {"name": "bootstrap"}
    from db.staff_models import StaffAccount
    with sqlite_sessions() as s:
        (row,) = s.query(StaffAccount).all()
        assert row.token_hash == staff_accounts.hash_token(token) and token not in row.token_hash


def test_a_revoked_token_gets_401_and_the_others_keep_working(client, sqlite_sessions):
    ann, bob = _add(sqlite_sessions, "ann"), _add(sqlite_sessions, "bob")
    with sqlite_sessions() as s:
        staff_accounts.revoke(s, "ann")
        s.commit()
    assert client.get("/staff/funnel", headers=bearer(ann)).status_code == 401
    assert client.get("/staff/lessons", headers=bearer(ann)).status_code == 401
    assert client.get("/staff/funnel", headers=bearer(bob)).status_code == 200


def test_revoking_the_bootstrap_account_refuses_the_environment_token(client, sqlite_sessions):
    with sqlite_sessions() as s:
        staff_accounts.revoke_token(s, "bootstrap", "boot")
        s.commit()
    assert client.get("/staff/me", headers=bearer("boot")).status_code == 401


def test_named_accounts_alone_turn_the_staff_api_on(make_settings, sqlite_sessions):
    with TestClient(create_app(make_settings())) as c:
        assert c.get("/staff/me", headers=bearer("x")).status_code == 503
        token = _add(sqlite_sessions, "ann")
        assert c.get("/staff/me", headers=bearer(token)).json() == {"name": "ann"}
        assert c.get("/staff/me", headers=bearer("x")).status_code == 401


def test_account_names_are_unique_and_plain(sqlite_sessions):
    _add(sqlite_sessions, "ann")
    for bad in ("ann", "two words", "", "x" * 65):
        with pytest.raises(staff_accounts.AccountError):
            _add(sqlite_sessions, bad)


def test_the_audit_log_lists_every_lesson_write_with_its_author_newest_first(client, sqlite_sessions):
    ann = _add(sqlite_sessions, "ann")
    new = QUIZ_LESSON.replace("id: quiz", "id: quiz-two")
    assert client.post("/staff/lessons", content=new, headers={**bearer(ann), **YAML}).status_code == 201
    etag = client.get("/staff/lessons/quiz", headers=bearer(ann)).headers["ETag"]
    edited = QUIZ_LESSON.replace('"Hello."', '"Hello again."')
    r = client.put("/staff/lessons/quiz", content=edited, headers={**bearer("boot"), **YAML, "If-Match": etag})
    assert r.status_code == 200
    r = client.post("/staff/lessons/quiz/versions/1/revert", headers={**bearer(ann), "If-Match": r.json()["etag"]})
    assert r.status_code == 200
    assert client.delete("/staff/lessons/quiz-two", headers=bearer(ann)).status_code == 204
    # a refused write (validation error) is not a write
    client.put("/staff/lessons/quiz", content="id: [", headers={**bearer(ann), **YAML, "If-Match": "*"})

    page = client.get("/staff/audit", headers=bearer(ann)).json()
    assert page["total"] == 4
    assert [(e["staff"], e["action"], e["target"]) for e in page["entries"]] == [
        ("ann", "delete", "lesson:quiz-two"), ("ann", "revert", "lesson:quiz"),
        ("bootstrap", "publish", "lesson:quiz"), ("ann", "create", "lesson:quiz-two")]
    assert page["entries"][1]["detail"] == {"version": 3, "to_version": 1}
    second = client.get("/staff/audit?limit=2&offset=2", headers=bearer(ann)).json()
    assert [e["action"] for e in second["entries"]] == ["publish", "create"]
