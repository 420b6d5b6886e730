"""The understanding layer's rules, on the real router (MiniLM over the whole index). The
examples here are our own, never from the frozen development set."""

import pytest

from understanding.router import FAQ, OFF_TOPIC, mood

pytestmark = pytest.mark.slow


def test_router_tells_explain_from_do(router):
    explain = router.understand("What does a CNN do?")
    assert explain.intent == FAQ and explain.entry_id is not None
    assert router.understand("Show me a CNN learning digits").intent == "train_vision"
    assert router.understand("can I get my model as a tflite file").intent == "export_model"


@pytest.mark.parametrize("text, intent", [
    ("let's watch the one neuron example learn its line", "train_neuron"),
    ("get a convnet to learn to read handwritten numbers for me", "train_vision"),
    ("forecast a made up time series with seasonality for me", "train_timeseries"),
    ("so what can you actually do?", "help"),
    ("whats on my list of trained modles", "show_models"),
    ("stop that training please", "cancel_job"),
])
def test_router_runs_casual_requests_and_typos(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("show me a time series model beating the moving average baseline", "train_timeseries"),
    ("let's see a dense network on the fashion pictures", "train_vision"),
])
def test_router_runs_a_request_whose_closest_explanation_offers_that_run(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("is this one positive: the soup was cold and the waiter rude", "classify_sentiment"),
    ("what does my sentiment model think of 'the train was late again'", "classify_sentiment"),
    ("split 'my cat sat on the mat' into tokens please", "tokenize_text"),
])
def test_router_reads_a_command_around_the_learners_own_sentence_not_from_it(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("could you run that once more with augmentation", "rerun_last"),
    ("once more please but 15 epochs", "rerun_last"),
    ("is my network overfitting now?", "ask_my_run"),
    ("and what about augmentation then?", "ask_my_run"),
    ("why did my accuracy come out like that", "ask_my_run"),
    ("what is overfitting", FAQ),  # about the concept, not their run
    ("how does dropout work", FAQ),
])
def test_router_sends_follow_ups_about_the_last_training_to_the_rerun_and_my_run_intents(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text", [
    "my fashion model friend wants tips for her first runway show",
    "neuroscience homework: what does the myelin sheath of a neuron do",
    "how long does it take to train a puppy to sit",
    "which train goes from Dublin to Cork",
    "the transformer on the pole outside my house is humming",
    "center a div with css grid",
])
def test_router_declines_near_misses_and_other_programming(router, text):
    assert router.understand(text).intent == OFF_TOPIC


def test_router_answers_a_pasted_traceback_with_its_error_entry_never_a_command(router):
    paste = ('Traceback (most recent call last):\n  File "fit.py", line 9, in <module>\n'
             '    model.fit(xs, ys)\nValueError: Input 0 of layer "conv2d_3" is incompatible with '
             "the layer: expected min_ndim=4, found ndim=3. Full shape received: (None, 64, 64)")
    decision = router.understand(paste)
    assert decision.paste == "error" and decision.intent == FAQ
    entry = router.entries[decision.entry_id]
    assert "ndim" in " ".join(entry.errors) or "channel" in entry.answer.lower()


def test_router_reads_a_pasted_code_fragment_as_a_question_about_it(router):
    decision = router.understand("model.add(tf.keras.layers.MaxPooling2D(2, 2))\nwhat is this line for")
    assert decision.paste == "code" and decision.intent == FAQ
    assert "pool" in (decision.entry_id + router.entries[decision.entry_id].topic).lower()


def test_router_answers_a_symptom_instead_of_running_the_skill(router):
    decision = router.understand("my digits classifier is stuck at 10% accuracy whatever I do")
    assert decision.intent == FAQ and decision.entry_id is not None


def test_mood_reads_requests_questions_and_described_symptoms():
    assert mood("train a cnn please") == "do"
    assert mood("could you forecast a series for me") == "do"
    assert mood("what is a cnn") == "ask"
    assert mood("my loss keeps going up") == "ask"
