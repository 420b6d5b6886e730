"""`python -m tutor staff add | list | revoke` (tutor/staff_cli.py): a token shown once with its
link, names unique, a revoked account refused by the API."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_staff_cli_adds_lists_and_revokes_accounts(settings, capsys):
    from tutor.staff_cli import main

    assert main(settings, ["add", "carol"]) == 0
    out = capsys.readouterr().out
    token = out.split("\n")[1].strip()
    assert f"/staff-ui#token={token}" in out
    assert main(settings, ["add", "carol"]) == 1 and "already" in capsys.readouterr().out
    assert main(settings, ["revoke", "carol"]) == 0
    capsys.readouterr()
    assert main(settings, ["list"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("carol\tcreated ") and listed.rstrip().endswith("\trevoked")
    with TestClient(create_app(settings.model_copy(update={"staff_token": "boot"}))) as c:
        assert c.get("/staff/me", headers=bearer(token)).status_code == 401


def test_python_m_tutor_staff_routes_to_the_staff_cli(settings, monkeypatch, capsys):
    from tutor import __main__ as entry

    monkeypatch.setattr(entry, "Settings", lambda: settings)
    with pytest.raises(SystemExit) as exited:
        entry.main(["staff", "add", "dana"])
    assert exited.value.code == 0 and "Staff account 'dana' created" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        entry.main(["staff", "revoke", "nobody"])
    assert exited.value.code == 1 and "No staff account 'nobody'" in capsys.readouterr().out
