"""Quiz questions (curriculum.asks): how a short answer or a choice reply is judged."""

import pytest

from curriculum import ChoiceAsk, ShortAsk, normalize_answer


def short(*accept: str) -> ShortAsk:
    return ShortAsk(type="ask", kind="short", id="q", question="?", accept=list(accept))


@pytest.mark.parametrize("answer", ["y = 2x - 1", "Y=2X-1", "  y = 2x-1. ", "y=2x - 1!"])
def test_short_answers_ignore_case_spaces_and_punctuation(answer):
    assert short("y = 2x - 1").accepts(answer)


def test_short_answers_keep_minus_signs_and_decimal_points():
    assert normalize_answer("-1") != normalize_answer("1")
    assert short("0.01").accepts("0.01") and not short("0.01").accepts("001")
    assert short("-1").accepts("- 1") and not short("-1").accepts("1")


def test_short_answers_read_typographic_minus_signs_as_minus():
    assert short("y = 2x - 1").accepts("y = 2x \u2212 1") and short("-1").accepts("\u20131")


def test_short_answers_with_re_prefix_are_searched_case_insensitively():
    ask = short("re:rectified\\s+linear")
    assert ask.accepts("It is a Rectified  Linear unit") and not ask.accepts("sigmoid")


def test_choice_answers_match_the_option_id_number_or_text():
    ask = ChoiceAsk(type="ask", kind="choice", id="q", question="?", options=[
        {"id": "a", "text": "Lower"}, {"id": "b", "text": "Higher", "correct": True}])
    assert [ask.option_for(reply).id for reply in ("b", "B", "2", "higher.")] == ["b"] * 4
    assert ask.option_for("sideways") is None and [o.id for o in ask.correct_options] == ["b"]


def test_numeric_options_are_named_by_their_value_in_digits_or_words_never_by_position():
    ask = ChoiceAsk(type="ask", kind="choice", id="q", question="?", options=[
        {"id": "a", "text": "1"}, {"id": "b", "text": "8"}, {"id": "c", "text": "10", "correct": True}])
    assert [ask.option_for(reply).id for reply in ("ten", "Ten.", "10", "c", "one")] == ["c", "c", "c", "c", "a"]
    assert ask.option_for("3") is None  # the third option reads 10: "3" is not what the learner sees
