"""Upload to result, per kind of data (issue 17): boot the real stack, then for each kind upload a
small file the way the widget does (POST /chat/uploads with the session id), send the chat message
the route answers, and time the first progress message and the result from the upload's start.

Prints the medians (and ranges) per kind. The files are made by tests/uploads/files.py, so run it
from the checkout: `PYTHONPATH=. .venv/bin/python bench/uploads.py --runs 3`.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import httpx

    from tests.uploads import files
    from tutor.chat_client import Learner
    from tutor.supervisor import Stack, isolated_settings

    kinds = {"series (300 rows)": ("sales.csv", files.series_csv(rows=300)),
             "images (2 x 12 PNGs)": ("pets.zip", files.images_zip({"cats": 12, "dogs": 12})),
             "text (160 rows)": ("reviews.jsonl", files.labelled_jsonl(rows=160))}
    times: dict[str, dict[str, list[float]]] = {k: {"stored": [], "progress": [], "result": []} for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Path(tmp) / "var")
        with Stack(settings):
            for _ in range(args.runs):
                for kind, (name, data) in kinds.items():
                    learner = Learner(settings.chat_socket_url).connect()
                    started = time.monotonic()
                    answer = httpx.post(f"{settings.public_base_url}/chat/uploads", content=data, timeout=60,
                                        headers={"X-Tutor-Session": learner.session_id,
                                                 "X-Upload-Name": quote(name)})
                    answer.raise_for_status()
                    times[kind]["stored"].append(time.monotonic() - started)
                    learner.say(answer.json()["message"])
                    times[kind]["progress"].append(
                        learner.wait_for(lambda r: r.payload_type == "progress", 120).at - started)
                    times[kind]["result"].append(
                        learner.wait_for(lambda r: r.payload_type == "result", 300).at - started)
                    learner.close()

    print(f"{args.runs} runs per kind, from the upload's start (checked and stored / first progress / result):")
    for kind, measured in times.items():
        print(f"  {kind:<22} " + "  ".join(
            f"{what} median {statistics.median(v):.2f} s ({min(v):.2f}-{max(v):.2f})" for what, v in measured.items()))


if __name__ == "__main__":
    main()
