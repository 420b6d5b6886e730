"""action_review_code: pasted code in, its mistakes out by line with the fix in a code block."""

from rasa_sdk import Tracker

from actions.review_code import ASK_FOR_CODE, ActionReviewCode
from tests.actions.conftest import texts, tracker_for

BROKEN = """why doesn't this work?
```python
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(10, activation='sigmoid')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
model.fit(x_train, y_train, epochs=5)
```"""


def _tracker_with_history(earlier: list[str], latest: str) -> Tracker:
    events = [{"event": "user", "text": text, "parse_data": {"text": text}} for text in [*earlier, latest]]
    message = {"text": latest, "intent": {"name": "review_code", "confidence": 1.0}, "entities": []}
    return Tracker("learner-1", {}, message, events, False, None, {}, "action_listen")


def test_review_code_lists_each_mistake_with_its_line_and_fix(dispatcher):
    ActionReviewCode().run(dispatcher, tracker_for(BROKEN, intent="review_code"), {})
    said = texts(dispatcher)
    assert "found 2 things to fix" in said
    assert "1. **Line 4**: 10 classes with sigmoid" in said
    assert "```python\ntf.keras.layers.Dense(10, activation='softmax')\n```" in said
    assert "2. **Line 7**: The pixel values still go from 0 to 255" in said


def test_review_my_model_without_code_reviews_the_last_paste_of_the_conversation(dispatcher):
    tracker = _tracker_with_history([BROKEN, "thanks"], "review my model again")
    ActionReviewCode().run(dispatcher, tracker, {})
    assert "**Line 4**" in texts(dispatcher)


def test_review_without_any_pasted_code_asks_for_it(dispatcher):
    ActionReviewCode().run(dispatcher, _tracker_with_history(["hi"], "can you review my code?"), {})
    assert texts(dispatcher) == ASK_FOR_CODE


def test_code_that_does_not_parse_gets_a_clear_answer_without_a_stack_trace(dispatcher):
    ActionReviewCode().run(dispatcher, tracker_for("```\nmodel.add(Dense(10)\nmodel.fit(x)\n```",
                                                   intent="review_code"), {})
    said = texts(dispatcher)
    assert "doesn't parse as Python" in said and "Traceback" not in said


def test_reviewing_code_with_os_system_never_runs_it(dispatcher, tmp_path):
    marker = tmp_path / "ran"
    code = f'```\nimport os\nos.system("touch {marker}")\nexec("open(\'{marker}\', \'w\')")\n' \
           "model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])\n```\nreview this"
    ActionReviewCode().run(dispatcher, tracker_for(code, intent="review_code"), {})
    assert "found none of the mistakes" in texts(dispatcher)
    assert not marker.exists()


def test_the_review_renders_as_slack_mrkdwn_with_bold_lines_and_code_blocks(dispatcher):
    from bot.slack_blocks import to_mrkdwn

    ActionReviewCode().run(dispatcher, tracker_for(BROKEN, intent="review_code"), {})
    slack = to_mrkdwn(texts(dispatcher))
    assert "1. *Line 4*: 10 classes with sigmoid" in slack
    assert "```\ntf.keras.layers.Dense(10, activation='softmax')\n```" in slack
