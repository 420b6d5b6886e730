"""Learners share their own data in Slack (issue 17): the connector fetches the file from
url_private with the bot token (the fake Slack serves it as Slack does), Tutor checks and stores
it, shows what it read and trains on it; a refused file gets its sentence and starts nothing."""

import time
import uuid

import pytest
from sqlalchemy import select

from db.models import Job, JobStatus, Learner, Upload
from tests.slack.test_slack_chat import in_thread, new_dm, new_user
from tests.uploads import files

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _jobs(slack_db, user: str) -> list[Job]:
    with slack_db() as session:
        return list(session.scalars(select(Job).where(Job.conversation_id == user)))


def _uploads(slack_db, user: str) -> list[Upload]:
    with slack_db() as session:
        return list(session.scalars(select(Upload).join(Learner).where(Learner.external_id == user)))


@pytest.mark.parametrize(("kind", "data", "name", "skill", "read"), [
    ("series", files.series_csv(rows=300), "sales.csv", "timeseries", "A time series of 300 values"),
    ("images", files.images_zip({"cats": 12, "dogs": 12}), "pets.zip", "vision", "2 classes: cats 12, dogs 12"),
    ("text", files.labelled_jsonl(rows=160), "headlines.jsonl", "sentiment", "160 labelled texts"),
], ids=["series", "images", "text"])
def test_a_shared_file_is_fetched_with_the_bot_token_summarised_and_trained_on(
        slack_stack, fake_slack, slack_db, kind, data, name, skill, read):
    user, dm = new_user(), new_dm()
    started = time.monotonic()
    sent = fake_slack.share_file(data, name, user=user, channel=dm, as_file_shared=(kind == "text"))
    assert sent.status_code == 200 and sent.seconds < 3.0
    thread = (lambda c: c.args.get("channel") == dm) if kind == "text" else in_thread(sent, dm)
    summary = fake_slack.wait_for(lambda c: thread(c) and f"Here's what I read in {name}" in c.all_text, timeout=60)
    assert read in summary.all_text
    ack = fake_slack.wait_for(lambda c: thread(c) and "Job #" in c.all_text, timeout=30)
    result = fake_slack.wait_for(lambda c: thread(c) and "is done" in c.all_text, timeout=240)
    print(f"\n{kind}: summary {summary.at - started:.1f} s, ack {ack.at - started:.1f} s, "
          f"result {result.at - started:.1f} s")
    assert any(auth == f"Bearer {fake_slack.token}" for _, auth in fake_slack.downloads)
    [upload] = _uploads(slack_db, user)
    [job] = _jobs(slack_db, user)
    assert upload.kind == kind and job.skill == skill and job.status is JobStatus.succeeded
    assert job.params["upload_dir"].endswith(upload.public_id)


@pytest.mark.parametrize(("data", "words"), [
    (files.traversal_zip(), "points outside the archive"),
    (files.bomb_zip(), "looks like a ZIP bomb"),
    (files.images_zip({"cats": 12, "dogs": 3}), "at least 10 images; dogs 3"),
    (files.series_csv(rows=40), "I need at least 100"),
    (bytes(range(256)) * 8, "none of those"),
], ids=["traversal", "bomb", "too-few-images", "too-few-rows", "wrong-type"])
def test_a_refused_file_gets_its_sentence_in_the_thread_and_starts_nothing(slack_stack, fake_slack, slack_db,
                                                                          data, words):
    user, dm = new_user(), new_dm()
    sent = fake_slack.share_file(data, f"mine-{uuid.uuid4().hex[:4]}.zip", user=user, channel=dm)
    fake_slack.wait_for(in_thread(sent, dm, lambda c: words in c.all_text), timeout=60)
    assert _jobs(slack_db, user) == [] and _uploads(slack_db, user) == []


def test_a_file_over_20_mb_is_refused_before_it_is_downloaded(slack_stack, fake_slack, slack_db):
    user, dm = new_user(), new_dm()
    sent = fake_slack.share_file(b"1\n" * (10 * 1024 * 1024 + 8), "huge.csv", user=user, channel=dm)
    fake_slack.wait_for(in_thread(sent, dm, lambda c: "I take files of at most 20 MB" in c.all_text), timeout=60)
    file_id = next(f for f, stored in fake_slack.files.items() if stored["name"] == "huge.csv")
    assert file_id not in {f for f, _ in fake_slack.downloads}
    assert _jobs(slack_db, user) == [] and _uploads(slack_db, user) == []


def test_someone_elses_upload_gets_the_missing_words_and_starts_nothing(slack_stack, fake_slack, slack_db):
    owner, other, dm = new_user(), new_user(), new_dm()
    shared = fake_slack.share_file(files.series_csv(), "theirs.csv", user=owner, channel=new_dm())
    fake_slack.wait_for(lambda c: c.args.get("thread_ts") == shared.ts and "Job #" in c.all_text, timeout=60)
    [upload] = _uploads(slack_db, owner)
    sent = fake_slack.message(f'/train_on_upload{{"upload": "{upload.public_id}"}}', user=other, channel=dm)
    fake_slack.wait_for(in_thread(sent, dm, lambda c: "I can't find that upload" in c.all_text), timeout=60)
    assert _jobs(slack_db, other) == [] and _uploads(slack_db, other) == []
