"""Finding: a YAML alias bomb ("billion laughs": each line a list of nine aliases to the line
before) grew ten times per line in the lesson validator: 358 bytes took 0.5 s, 404 bytes about
4 s, and `make lessons-check` and the staff API (inside its event loop) hung on it (issue 14).
Lesson files may not use aliases now; the error names the file, line and column. The staff
routes validate in the thread pool, so even a slow validation leaves the API answering.
"""

import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.main import create_app
from curriculum import LESSONS_DIR
from curriculum.loader import parse_lesson

ROOT = Path(__file__).resolve().parents[2]
SLOW_SECONDS = 3.0


def alias_bomb(levels: int) -> str:
    lines = ["id: bomb", "title: Bomb", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_its_first_alias_in_milliseconds():
    text = alias_bomb(8)
    assert len(text) < 500
    started = time.perf_counter()
    lesson, _, errors = parse_lesson(text, "bomb.yml")
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert lesson is None
    assert [str(e) for e in errors] == [
        "bomb.yml:4:10: '*a0' is a YAML alias, and lesson files may not use aliases: write the "
        "value out in full"]
    assert elapsed_ms < 500  # the old validator took 4 s on 404 bytes


def test_an_alias_inside_a_real_field_is_refused_too():
    text = (LESSONS_DIR / "01-hello-neuron.yml").read_text()
    text = text.replace("chapters: [1]", "chapters: &chapters [1]", 1)
    text = text.replace("prerequisites: []", "prerequisites: *chapters", 1)
    _, _, errors = parse_lesson(text, "01-hello-neuron.yml")
    assert [(e.line, e.message[:30]) for e in errors] == [(8, "'*chapters' is a YAML alias, a")]


def test_lessons_check_reports_a_bomb_with_file_and_line_instead_of_hanging(tmp_path):
    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, folder)
    (folder / "99-bomb.yml").write_text(alias_bomb(9))  # about 40 s on the old validator
    done = subprocess.run([sys.executable, "-m", "curriculum", "check", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "99-bomb.yml:4:10: '*a0' is a YAML alias" in done.stdout


def test_deeply_nested_yaml_gets_an_error_not_a_crash():
    _, _, errors = parse_lesson("steps: " + "[" * 20_000 + "]" * 20_000, "deep.yml")
    assert [e.message for e in errors] == ["the lists and sections in this file are nested too "
                                           "deeply to read"]


@pytest.fixture
def slow_validation(monkeypatch):
    """The real validator, three seconds slower on the bomb: stands for a large lesson, or the
    next bomb. Other lessons validate at their usual speed."""
    from curriculum import validate

    real = validate.parse_and_validate

    def slow(text, *args, **kwargs):
        if "id: bomb" in str(text):
            time.sleep(SLOW_SECONDS)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(validate, "parse_and_validate", slow)


def test_the_api_answers_other_requests_while_it_validates_a_lesson(make_settings, tmp_path,
                                                                   slow_validation, sqlite_sessions):
    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, folder)
    app = create_app(make_settings(staff_token="s3cret", lessons_dir=folder))
    headers = {"Authorization": "Bearer s3cret", "Content-Type": "application/yaml"}

    async def finished(call, delay=0.0):
        """When the call finished, from the common start (a blocked loop delays the sleep
        too, so timing each call from its own start would hide the wait)."""
        await asyncio.sleep(delay)
        response = await call
        return response, time.perf_counter() - started

    async def both():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return await asyncio.gather(
                finished(client.post("/staff/lessons", content=alias_bomb(9), headers=headers)),
                finished(client.get("/staff/lessons", headers=headers), delay=0.2))

    started = time.perf_counter()
    (post, post_at), (listing, listing_at) = asyncio.run(both())
    assert post.status_code == 422 and "may not use aliases" in post.text
    assert listing.status_code == 200 and len(listing.json()) >= 8
    assert post_at >= SLOW_SECONDS
    # Order, not a stopwatch: on a blocked loop the listing can only finish after the validation
    # ends; in the thread pool it finishes long before, however loaded the machine is.
    assert listing_at < post_at - 1.0, (
        f"the lesson list came {listing_at:.2f} s after the start and the validation at "
        f"{post_at:.2f} s: the list waited behind it")
