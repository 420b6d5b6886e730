"""Comments cite the in-repo design notes (docs/decisions.md), never a file outside the repo."""

import re
import subprocess

from tests.conftest import ROOT

DECISIONS = ROOT / "docs" / "decisions.md"
OUTSIDE_NOTES = "ARCHITECTURE" + ".md"  # the team notes beside the checkout (spelled so this file passes)


def _tracked_text_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split()
    return [p for p in listed if (ROOT / p).is_file() and p != "docs/decisions.md"
            and not p.endswith((".png", ".gz", ".jsonl", ".npz", ".tflite", ".lock.txt"))]


def test_no_file_cites_the_design_notes_outside_the_repo():
    citing = [p for p in _tracked_text_files()
              if OUTSIDE_NOTES in (ROOT / p).read_text(errors="ignore")]
    assert citing == []


def test_every_decision_a_file_cites_exists():
    entries = set(re.findall(r"^### (D\d+)\.", DECISIONS.read_text(), re.M))
    cited = {(p, d) for p in _tracked_text_files()
             for d in re.findall(r"decisions\.md(?:#d\d+)?\)?,? (D\d+)\b", (ROOT / p).read_text(errors="ignore"))}
    assert cited, "the code cites its decisions"
    assert {(p, d) for p, d in cited if d not in entries} == set()
