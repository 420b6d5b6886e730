"""A request's cues (understanding/cues.py): where its model should run, named as a destination or a format."""

import pytest

from understanding.cues import asks_own_record, names_platform


@pytest.mark.parametrize("text", [
    "get the vision model onto my phone",
    "put the review classifier on my website",
    "I need the neuron in node.js",
    "make it ready for android",
    "package it as tflite",
    "can it run client-side",
])
def test_a_platform_named_as_where_the_model_goes_is_the_exports_cue(text):
    assert names_platform(text)


@pytest.mark.parametrize("text", [
    "my phone company charged me an activation fee, can i get it refunded",
    "which android phones have the best cameras",
    "my browser history is gone, can you get it back",
    "show me how the model would react to noisy digits",
    "write me some javascript to sort a list",
])
def test_a_platform_named_as_a_thing_of_everyday_life_is_no_cue(text):
    assert not names_platform(text)


@pytest.mark.parametrize("text, record", [
    ("have I finished the text generation lesson yet", True),
    ("did i ever do the convolutions chapter?", True),
    ("had I already passed the quiz on embeddings", True),
    ("did I do something wrong? my loss went to nan", False),
    ("have I got the learning rate too high", False),
])
def test_a_question_about_having_done_a_part_of_the_course_is_the_progress_cue(text, record):
    assert asks_own_record(text) is record
