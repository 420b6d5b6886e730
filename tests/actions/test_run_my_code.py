"""action_run_my_code: the pasted layer list becomes a bounded custom_model job, or a clear refusal."""

from rasa_sdk import Tracker

from actions.queueing import learner_of
from actions.run_my_code import ASK_FOR_CODE, NO_IMAGE_UPLOAD, ActionRunMyCode
from db import repository as repo
from tests.actions.conftest import jobs_in_order, only_job, texts, tracker_for
from tests.usercode.uploads import write_images

CNN = """```python
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
model.fit(x, y, epochs=3000)
```"""


def _run(dispatcher, text, earlier=()):
    events = [{"event": "user", "text": t, "parse_data": {"text": t}, "input_channel": "socketio"}
              for t in [*earlier, text]]
    message = {"text": text, "intent": {"name": "run_my_code", "confidence": 1.0}, "entities": []}
    tracker = Tracker("learner-1", {}, message, events, False, None, {}, "action_listen")
    ActionRunMyCode().run(dispatcher, tracker, {})


def test_run_my_code_queues_the_whitelisted_spec_and_says_what_it_will_do(action_db, dispatcher):
    _run(dispatcher, CNN + "\nrun my model")
    with action_db() as s:
        job = only_job(s)
        assert job.skill == "custom_model"
        assert job.params["data"] == "digits" and job.params["input_shape"] == [28, 28, 1]
        assert [layer["kind"] for layer in job.params["layers"]] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
        assert job.params["epochs"] == 15
    said = texts(dispatcher)
    assert f"Job #{job.id}" in said and "without running it" in said and "book's model" in said
    assert "your code asks for 3,000 epochs; I train at most 15 here" in said
    assert "My review found 1 thing to fix" in said  # thousands of epochs on a big network
    assert dispatcher.messages[0]["custom"]["data"]["skill"] == "custom_model"


def test_run_my_model_on_its_own_uses_the_last_paste_and_the_epochs_asked_for(action_db, dispatcher):
    _run(dispatcher, "run my model for 2 epochs", earlier=[CNN, "ok"])
    with action_db() as s:
        assert only_job(s).params["epochs"] == 2


def test_run_my_model_without_any_code_asks_for_it_and_makes_no_job(action_db, dispatcher):
    _run(dispatcher, "run my model", earlier=["hi"])
    assert texts(dispatcher) == ASK_FOR_CODE
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_a_layer_outside_the_whitelist_is_refused_by_name_and_no_job_is_made(action_db, dispatcher):
    code = CNN.replace("tf.keras.layers.Flatten(),", "tf.keras.layers.Lambda(lambda x: x),")
    _run(dispatcher, code + "\nrun it")
    said = texts(dispatcher)
    assert "Line 4 uses Lambda, which I can't build. I can only build these layers: " in said
    assert said.endswith("Nothing was started.")
    _run(dispatcher, "run my model for 500 epochs", earlier=[CNN])
    assert "Epochs must be a whole number from 1 to 15; you asked for 500." in texts(dispatcher)
    with action_db() as s:
        assert jobs_in_order(s) == []


def test_running_code_with_os_system_queues_only_the_layer_spec(action_db, dispatcher, tmp_path):
    marker = tmp_path / "ran"
    code = CNN.replace("```python\n", f'```python\nimport os\nos.system("touch {marker}")\n')
    _run(dispatcher, code + "\nrun my model")
    with action_db() as s:
        params = only_job(s).params
    assert "os" not in str(params["layers"]) and set(params) == {
        "data", "input_shape", "layers", "loss", "optimizer", "learning_rate", "epochs", "classes", "seed",
        "upload_dir"}
    assert params["upload_dir"] is None
    assert not marker.exists()


def test_tracker_for_helper_still_reaches_the_action(action_db, dispatcher):
    ActionRunMyCode().run(dispatcher, tracker_for("run my model", intent="run_my_code"), {})
    assert texts(dispatcher) == ASK_FOR_CODE


def _public_id(action_db) -> str:
    with action_db() as session:
        public_id = learner_of(session, tracker_for("hi")).public_id
        session.commit()
    return public_id


def test_run_my_model_on_my_upload_queues_the_newest_image_upload_with_its_classes(action_db, dispatcher, settings):
    folder = write_images(settings.var_dir, _public_id(action_db))
    _run(dispatcher, CNN.replace("Dense(10", "Dense(3") + "\nrun my model on my upload")
    with action_db() as s:
        params = only_job(s).params
    assert params["upload_dir"] == str(folder) and params["classes"] == 3 and params["data"] == "digits"
    assert "your uploaded images (3 classes)" in texts(dispatcher)


def test_run_my_model_on_my_upload_without_any_code_asks_for_it_and_names_the_books_upload_training(
        action_db, dispatcher):
    _run(dispatcher, "train my own model on my upload", earlier=["hi"])
    assert texts(dispatcher).startswith(ASK_FOR_CODE) and "say \"train on my upload\"" in texts(dispatcher)


def test_run_my_model_on_an_upload_needs_a_last_layer_for_its_classes_and_an_upload(action_db, dispatcher, settings):
    _run(dispatcher, CNN + "\nrun my model on my images")
    assert texts(dispatcher) == NO_IMAGE_UPLOAD
    write_images(settings.var_dir, _public_id(action_db))
    _run(dispatcher, CNN + "\nrun my model on my upload")
    assert "Your images have 3 classes, so the last layer must be Dense(3, activation='softmax')" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0
