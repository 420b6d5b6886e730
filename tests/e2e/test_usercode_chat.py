"""The learner's own Keras code through the real stack over socket.io (issue 17 §2): a pasted
model is reviewed with line numbers, and "run my model" trains it on the digits beside the book's
model. The pasted code also tries `os.system("touch <marker>")`: the marker must never appear."""

import time
import uuid

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RESULT_TIMEOUT = 240  # the job may wait behind another test's training

BROKEN = """why doesn't this work?
```python
(x_train, y_train), _ = tf.keras.datasets.fashion_mnist.load_data()
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='categorical_crossentropy')
model.fit(x_train, y_train, epochs=5)
```"""

CNN = """```python
import os
os.system("touch {marker}")
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
```
run my model for 2 epochs"""


def test_pasted_code_is_reviewed_with_the_line_of_each_mistake(learner):
    learner.say(BROKEN)
    reply = learner.wait_for(lambda r: "things to fix" in r.text, timeout=30).text
    assert "**Line 3**" in reply  # the Conv2D wants a channel axis the images don't have
    assert "**Line 5**" in reply and "Flatten()" in reply  # Dense straight after the conv block
    assert "**Line 7**" in reply and "sparse_categorical_crossentropy" in reply  # integer labels
    assert "**Line 8**" in reply  # pixels never divided by 255
    assert "```python" in reply


def test_run_my_model_trains_the_pasted_cnn_on_the_digits_and_never_runs_the_code(learner, tmp_path):
    marker = tmp_path / "executed"
    sent = learner.say(CNN.format(marker=marker))
    ack = learner.wait_for(lambda r: "Job #" in r.text, timeout=30)
    assert "without running it" in ack.text and "for 2 epochs" in ack.text
    job_id = int(ack.text.split("Job #")[1].split(":")[0])
    progress = learner.wait_for(lambda r: r.payload_type == "progress" and r.message["job_id"] == job_id,
                                timeout=RESULT_TIMEOUT)
    result = learner.wait_for(lambda r: r.payload_type == "result" and r.message["job_id"] == job_id,
                              timeout=RESULT_TIMEOUT)
    payload = result.message
    assert payload["status"] == "succeeded" and payload["skill"] == "custom_model", payload
    assert payload["metrics"]["val_accuracy"] >= 0.8 and "book_val_accuracy" in payload["metrics"]
    assert "book's CNN" in payload["summary"]
    assert not marker.exists()
    print(f"\nrun my model: ack {ack.at - sent:.2f} s, first progress {progress.at - sent:.1f} s, "
          f"result {result.at - sent:.1f} s (at {time.strftime('%H:%M:%S')})")


def test_in_slack_pasted_code_is_reviewed_then_run_from_the_last_paste(stack, fake_slack):
    user, dm = "U" + uuid.uuid4().hex[:10].upper(), "D" + uuid.uuid4().hex[:10].upper()
    sent = fake_slack.message(BROKEN, user=user, channel=dm)
    review = fake_slack.wait_for(lambda c: c.args.get("thread_ts") == sent.ts and "to fix" in c.all_text, timeout=30)
    assert "*Line 3*" in review.all_text and "```" in review.all_text  # mrkdwn bold, fixes as code blocks
    fixed = BROKEN.replace("MaxPooling2D(2, 2),\n", "MaxPooling2D(2, 2),\n    tf.keras.layers.Flatten(),\n")
    fixed = fixed.replace("categorical_crossentropy", "sparse_categorical_crossentropy")
    fake_slack.message(fixed.replace("why doesn't this work?", "thanks, fixed it"), user=user, channel=dm)
    asked = fake_slack.message("run my model for 1 epoch", user=user, channel=dm)
    ack = fake_slack.wait_for(lambda c: c.args.get("thread_ts") == asked.ts and "Job #" in c.all_text, timeout=30)
    assert "the digits" in ack.all_text
    done = fake_slack.wait_for(lambda c: c.args.get("thread_ts") == asked.ts and "Your model (" in c.all_text,
                               timeout=RESULT_TIMEOUT)
    assert "Flatten" in done.all_text and "book's CNN" in done.all_text
