"""Short answers graded fairly (issue 16): found inside a sentence, numbers by value in digits
or words, linear formulas as formulas, negations not taken for the answer."""

import time

import pytest

from curriculum.answers import digits, formula, gives_away, matches, reveals
from curriculum.model import ChoiceAsk, ShortAsk


@pytest.mark.parametrize("reply", ["y=2x-1", "2x - 1", "y = -1 + 2x", "oh wait, y = 2x - 1", "Y = 2*x − 1",
                                   "y = 2(x - 0.5)", "I think y = 2x - 1 (not sure)"])
def test_a_linear_formula_is_accepted_in_any_equivalent_form(reply):
    assert matches("y = 2x - 1", reply)


@pytest.mark.parametrize("reply", ["y = 2x + 1", "y = x - 1", "2x", "y = 2x - 1 or y = 3x", "x*x - 1", "y = 1 - 2x"])
def test_a_different_or_hedged_formula_is_not_accepted(reply):
    assert not matches("y = 2x - 1", reply)


@pytest.mark.parametrize("text", ["__import__('os').system('id')", "2**x", "x/x", "lambda: 1", "(" * 200 + "x"])
def test_the_formula_reader_refuses_anything_that_is_not_a_small_linear_formula(text):
    assert formula(text) is None


@pytest.mark.parametrize("reply", ["I think it's relu", "ReLU!", "relu, I guess", "it must be ReLU."])
def test_a_short_answer_is_found_inside_a_sentence(reply):
    assert matches("relu", reply)


@pytest.mark.parametrize("reply", ["not relu", "it isn't relu", "sigmoid", "prelu"])
def test_a_negated_or_other_word_is_not_the_answer(reply):
    assert not matches("relu", reply)


@pytest.mark.parametrize("reply", ["4", "four", "Four.", "4.0", "I think it's 4", "(2 + 4 + 6) / 3 = 4"])
def test_a_number_is_compared_by_value_in_digits_or_words(reply):
    assert matches("4", reply)


@pytest.mark.parametrize("reply", ["14", "4 or 5", "not 4", "forty"])
def test_a_number_that_is_not_the_reply_s_answer_is_not_accepted(reply):
    assert not matches("4", reply)


def test_number_words_become_digits_and_words_containing_them_do_not():
    assert digits("ten, twenty-one, three hundred, often, someone") == "10, 21, 300, often, someone"


def test_a_short_question_accepts_the_author_s_synonyms_and_names_the_foreseen_wrong_answer():
    ask = ShortAsk(type="ask", id="q", kind="short", question="?", accept=["relu"], synonyms=["rectifier"],
                   wrong_answers=[{"answers": ["sigmoid"], "feedback": "Sigmoid squashes values."}])
    assert ask.accepts("a rectifier, I think") and not ask.accepts("sigmoid")
    assert ask.feedback_for("maybe sigmoid?") == "Sigmoid squashes values." and ask.feedback_for("tanh") is None


def test_an_faq_answer_gives_away_the_accepted_words_the_correct_option_and_the_avoid_list():
    short = ShortAsk(type="ask", id="q", kind="short", question="?", accept=["relu"], avoid=["rectified"])
    assert gives_away(short, "Activations such as ReLU keep positives.")
    assert gives_away(short, "A rectified unit keeps positives.")
    assert not gives_away(short, "A loss says how wrong the model is.")
    choice = ChoiceAsk(type="ask", id="c", kind="choice", question="?", options=[
        {"id": "a", "text": "Only the training images", "correct": True}, {"id": "b", "text": "10"}])
    assert gives_away(choice, "Augmentation changes only the training images.")
    assert not gives_away(choice, "Augmentation flips and rotates pictures.")
    assert reveals("so y = -1 + 2x here", "y = 2x - 1")


HOSTILE = ["1" * 2000, "x" * 2000, "y = " + "1" * 1990 + "x", "(" * 2000, "relu " * 400, "ten " * 500,
           "2x-" * 660, "not " * 500 + "relu"]


@pytest.mark.parametrize("reply", HOSTILE)
def test_grading_a_hostile_2000_character_reply_stays_under_200_ms(reply):
    # A backtracking pattern takes seconds on these; linear grading takes about 20 ms, and a
    # loaded CI machine must not turn that into a failure (it reached 57 ms at load 7).
    ask = ShortAsk(type="ask", id="q", kind="short", question="?", accept=["y = 2x - 1", "rectified linear unit"],
                   synonyms=["4"], wrong_answers=[{"answers": ["ten ten"], "feedback": "No."}])
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        ask.accepts(reply)
        ask.feedback_for(reply)
        best = min(best, (time.perf_counter() - started) * 1000)
    assert best < 200
