"""Replay every AMA question, in its original wording, as a fresh conversation through the
running bot (Rasa's REST channel), and check the reply carries the author's verbatim answer.

`make ama-replay` boots Tutor on free ports and runs this; `--url` replays against a running
Rasa instead. Prints a table and, last, `AMA replay: N/M correct`. `make test` runs it too
(tests/e2e/test_faq_chat.py) and fails below 95%.
"""

import argparse
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from faq.knowledge import DATA


@dataclass
class Row:
    item_id: str
    question: str
    answered_with: str | None  # faq_id from the reply's payload
    correct: bool


def ama_questions(path: Path = DATA / "ama.yml") -> list[tuple[str, str, str]]:
    """(item id, question as asked in the archive, verbatim answer) for every AMA question."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    return [(item["id"], q, item["answer"]) for item in items for q in item["questions"]]


def ask(client: httpx.Client, rasa_url: str, text: str) -> list[dict]:
    response = client.post(f"{rasa_url}/webhooks/rest/webhook",
                           json={"sender": f"ama-replay-{uuid.uuid4().hex}", "message": text})
    response.raise_for_status()
    return response.json()


def reply_text(replies: list[dict]) -> str:
    """The bot's text with paragraphs rejoined: Rasa's output channels send each paragraph
    ("\n\n") as its own message."""
    return "\n\n".join(r["text"] for r in replies if r.get("text"))


def faq_payload(replies: list[dict]) -> dict | None:
    """The FAQ brain's machine-readable payload (REST returns it under custom.data), if any."""
    return next((r["custom"]["data"] for r in replies
                 if (r.get("custom") or {}).get("data", {}).get("type") == "faq"), None)


def rest_headers(token: str | None) -> dict[str, str]:
    """Rasa's REST channel answers scripts holding Rasa's API token only (bot/rest_channel.py)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def replay(rasa_url: str, token: str | None = None) -> list[Row]:
    rows = []
    with httpx.Client(timeout=60, headers=rest_headers(token)) as client:
        for item_id, question, answer in ama_questions():
            replies = ask(client, rasa_url, question)
            payload = faq_payload(replies) or {}
            rows.append(Row(item_id, question, payload.get("faq_id"), answer in reply_text(replies)))
    return rows


def report(rows: list[Row]) -> str:
    lines = [f"{'ok':<3} {'expected':<32} {'answered with':<32} question"]
    for row in rows:
        question = " ".join(row.question.split())[:60]
        lines.append(f"{'✓' if row.correct else '✗':<3} {row.item_id:<32} {row.answered_with or '-':<32} {question}")
    lines.append(f"AMA replay: {sum(r.correct for r in rows)}/{len(rows)} correct")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Rasa (default: boot Tutor on free ports)")
    args = parser.parse_args()
    if args.url:
        rows = replay(args.url, os.environ.get("TUTOR_RASA_TOKEN"))
    else:
        import tempfile

        from tutor.supervisor import Stack, isolated_settings

        with tempfile.TemporaryDirectory() as tmp, Stack(isolated_settings(Path(tmp) / "var")) as stack:
            rows = replay(stack.settings.rasa_url, stack.settings.rasa_token)
    print(report(rows))
    sys.exit(0 if rows and sum(r.correct for r in rows) / len(rows) >= 0.95 else 1)


if __name__ == "__main__":
    main()
