"""action_train_on_upload: the learner's own upload, found by id, name or kind, is summarised and
queued on the skill its kind calls for with `upload_dir`; someone else's upload is never used."""

import uuid

import pytest
from sqlalchemy import func, select

from actions.train_on_upload import NO_UPLOADS, NOT_FOUND, ActionTrainOnUpload
from api.routes.uploads import save
from db.models import Job
from tests.actions.conftest import jobs_in_order, only_job, texts, tracker_for
from tests.uploads import files
from uploads import contract

ME, OTHER = uuid.uuid4().hex, uuid.uuid4().hex


def upload(action_db, settings, data: bytes, name: str, sender: str = ME) -> str:
    return save(action_db, settings, "socketio", sender, name, data)["upload"]


def run(dispatcher, text: str, upload_id: str | None = None, sender: str = ME):
    entities = [{"entity": "upload", "value": upload_id}] if upload_id is not None else []
    ActionTrainOnUpload().run(dispatcher, tracker_for(text, sender=sender, intent="train_on_upload",
                                                      entities=entities), {})


def job_count(action_db) -> int:
    with action_db() as s:
        return s.scalar(select(func.count(Job.id)))


def test_the_attach_buttons_message_shows_the_summary_and_queues_timeseries_on_the_folder(
        action_db, dispatcher, settings):
    upload_id = upload(action_db, settings, files.series_csv(rows=150), "sales.csv")
    run(dispatcher, f'/train_on_upload{{"upload": "{upload_id}"}}', upload_id)
    with action_db() as s:
        job = only_job(s)
    assert job.skill == "timeseries"
    folder = job.params[contract.UPLOAD_DIR_PARAM]
    assert contract.read_meta(folder)["rows"] == 150 and folder.endswith(upload_id)
    said = texts(dispatcher)
    assert "Here's what I read in sales.csv: A time series of 150 values" in said and f"Job #{job.id}" in said


@pytest.mark.parametrize("whose", ["someone else's", "made up", "malformed"])
def test_an_upload_that_is_not_the_learners_gets_the_missing_words_and_no_job(action_db, dispatcher, settings,
                                                                             whose):
    theirs = upload(action_db, settings, files.series_csv(), "their.csv", sender=OTHER)
    asked = {"someone else's": theirs, "made up": uuid.uuid4().hex, "malformed": "../../etc"}[whose]
    run(dispatcher, "train on my data", asked)
    assert texts(dispatcher) == NOT_FOUND and job_count(action_db) == 0


def test_train_on_my_data_without_any_upload_says_how_to_upload(action_db, dispatcher):
    run(dispatcher, "train on my data")
    assert texts(dispatcher) == NO_UPLOADS and job_count(action_db) == 0


def test_use_the_flowers_zip_picks_that_upload_and_transfer_when_asked(action_db, dispatcher, settings):
    upload(action_db, settings, files.images_zip({"roses": 10, "tulips": 11}), "flowers.zip")
    upload(action_db, settings, files.series_csv(), "sales.csv")  # newer, but not the one named
    run(dispatcher, "use the flowers zip with transfer learning")
    with action_db() as s:
        job = only_job(s)
    assert job.skill == "transfer"
    assert contract.read_meta(job.params["upload_dir"])["classes"] == {"roses": 10, "tulips": 11}
    assert "2 classes: tulips 11, roses 10." in texts(dispatcher)


def test_forecast_my_upload_picks_the_series_among_the_learners_uploads(action_db, dispatcher, settings):
    upload(action_db, settings, files.series_csv(), "numbers.csv")
    upload(action_db, settings, files.images_zip(), "pets.zip")
    run(dispatcher, "forecast my upload")
    with action_db() as s:
        assert only_job(s).skill == "timeseries"


def test_several_numeric_columns_are_asked_for_then_the_picked_one_trains(action_db, dispatcher, settings):
    upload_id = upload(action_db, settings, files.series_csv(columns=("sales", "visitors")), "shop.csv")
    run(dispatcher, "train on my data", upload_id)
    assert job_count(action_db) == 0 and "Which one should I forecast?" in texts(dispatcher)
    buttons = dispatcher.messages[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["sales", "visitors"]
    assert buttons[1]["payload"] == f'/train_on_upload{{"upload": "{upload_id}:1"}}'
    run(dispatcher, buttons[1]["payload"], f"{upload_id}:1")
    with action_db() as s:
        [job] = jobs_in_order(s)
    assert contract.read_meta(job.params["upload_dir"])["column"] == "visitors"
