"""understanding/typos.py: a misspelt one-word command means that command, and nothing else does."""

import pytest

from understanding.typos import command_word


@pytest.mark.parametrize("text, intent", [
    ("hlep", "help"), ("lessns?", "list_lessons"), ("cancle", "cancel_job"), ("Hepl!", "help"),
    ("modles", "show_models"),
])
def test_a_misspelt_command_word_alone_means_that_command(text, intent):
    assert command_word(text) == intent


@pytest.mark.parametrize("text", [
    "help",  # the exact word: the examples already know it
    "relu", "lstm", "dropout",  # ML terms are far from every command word
    "help me with my cnn",  # more than one word: the ranking decides
    "pizza", "hi",
])
def test_exact_words_other_words_and_longer_messages_are_left_to_the_ranking(text):
    assert command_word(text) is None
