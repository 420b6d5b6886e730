"""The learner's own data in the real widget (issue 17): the attach button and drag-and-drop send
the file to the upload route; each accepted kind is summarised and trained on over socket.io, and
each refusal is shown with no job. Prints the time from the attach to the first progress and to
the result, per kind."""

import base64
from pathlib import Path

import pytest

from tests.uploads import files

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCRIPT = Path(__file__).with_name("uploads.mjs")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_each_kind_is_summarised_then_trained_on_with_the_button_or_a_drop(scenario):
    sent = [
        {"name": "sales.csv", "b64": b64(files.series_csv(rows=300))},
        {"name": "pets.zip", "b64": b64(files.images_zip({"cats": 12, "dogs": 12}))},
        {"name": "reviews.tsv", "b64": b64(files.labelled_csv(rows=160, delimiter="\t")), "drop": True},
    ]
    found = scenario("accepted", script=SCRIPT, timeout=900, files=sent)["found"]
    for one in found:
        print(f"\n{one['name']}: first progress {one['firstProgressMs'] / 1000:.1f} s, "
              f"result {one['resultMs'] / 1000:.1f} s")
    by_name = {one["name"]: one for one in found}
    assert "A time series of 300 values" in by_name["sales.csv"]["summary"]
    assert "2 classes: cats 12, dogs 12." in by_name["pets.zip"]["summary"]
    assert "160 labelled texts" in by_name["reviews.tsv"]["summary"]
    assert [one["state"] for one in found] == ["succeeded"] * 3, found
    assert [one["user"] for one in found] == ["📎 sales.csv", "📎 pets.zip", "📎 reviews.tsv"]


def test_refused_files_show_their_sentence_and_start_no_job(scenario):
    sent = [
        {"name": "big.csv", "b64": b64(b"1\n" * (10 * 1024 * 1024 + 8)), "expect": "at most 20 MB"},
        {"name": "photo.bin", "b64": b64(bytes(range(256)) * 8), "expect": "none of those"},
        {"name": "short.csv", "b64": b64(files.series_csv(rows=40)), "expect": "I need at least 100"},
        {"name": "few.zip", "b64": b64(files.images_zip({"cats": 12, "dogs": 3})), "expect": "at least 10 images"},
        {"name": "evil.zip", "b64": b64(files.traversal_zip()), "expect": "points outside the archive"},
        {"name": "bomb.zip", "b64": b64(files.bomb_zip()), "expect": "looks like a ZIP bomb", "drop": True},
    ]
    found = scenario("refused", script=SCRIPT, files=sent)
    assert [one["name"] for one in found["found"]] == [f["name"] for f in sent]
    assert found["jobs"] == 0
    assert found["user"][-6:] == [f"📎 {f['name']}" for f in sent]
