"""Browser tests of the web chat: the real stack plus Debian's Chromium driven by playwright-core.

Each scenario is a Node script run (tests/web/scenarios.mjs) against the stack the e2e and Slack
tests share (tests/conftest.py `stack`). Screenshots, the downloaded TFLite file and latency.txt
go to test-output/web/ (each scenario writes its own file names).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import file_lock

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
OUT = ROOT / "test-output" / "web"
SCENARIOS = Path(__file__).with_name("scenarios.mjs")
WALKTHROUGH = Path(__file__).with_name("walkthrough.mjs")  # issue 16: the learner's walk-through
CHROMIUM = os.environ.get("TUTOR_CHROMIUM", "/usr/bin/chromium")


def _missing(what: str) -> None:
    """Skip on a user's machine without the browser tooling; fail in CI, where it must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}, and CI must run the browser tests")
    pytest.skip(f"{what}; skipped the browser tests (see `make web-test-deps`)")


def _bundle_is_stale() -> bool:
    bundle = [WEB / "dist" / "chat.js", WEB / "dist" / "chat.css", WEB / "dist" / "staff-editor.js"]
    if not all(p.is_file() for p in bundle):
        return True
    sources = [*WEB.joinpath("src").rglob("*"), WEB / "package-lock.json"]
    return max(p.stat().st_mtime for p in sources) > min(p.stat().st_mtime for p in bundle)


@pytest.fixture(scope="session")
def browser_tools():
    if not Path(CHROMIUM).is_file():
        _missing(f"Chromium is not installed at {CHROMIUM}")
    if shutil.which("node") is None:
        _missing("Node.js is not on the PATH")
    if not (WEB / "node_modules" / "playwright-core").is_dir():
        _missing("playwright-core is not installed in web/node_modules")
    # `make test` builds it first; a direct pytest run may not have. Locked: two xdist workers
    # (the browser tests off the stack run beside it) must not both rebuild web/dist.
    with file_lock(WEB / "node_modules" / ".tutor-test-build.lock"):
        if _bundle_is_stale():
            subprocess.run(["npm", "run", "--silent", "build"], cwd=WEB, check=True, timeout=120)
    OUT.mkdir(parents=True, exist_ok=True)
    return CHROMIUM


@pytest.fixture(scope="session")
def web_stack(browser_tools, stack):
    """The shared stack. It pushes progress every 0.1 s (instead of 2 s) so a short training
    shows its bar moving before the result lands."""
    assert stack.settings.progress_min_interval <= 0.1
    return stack


@pytest.fixture
def scenario(web_stack, browser_tools):
    """Run a named browser scenario (of scenarios.mjs, or another script beside it); returns what
    it found (its JSON line)."""

    def run(name: str, timeout: float = 420, script: Path = SCENARIOS, **options) -> dict:
        options = {"url": web_stack.settings.public_base_url + "/", "outDir": str(OUT),
                   "chromium": browser_tools, **options}
        done = subprocess.run(["node", str(script), name], input=json.dumps(options),
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if done.returncode != 0:
            pytest.fail(f"browser scenario {name!r} failed (screenshot in {OUT}):\n{done.stderr[-6000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run
