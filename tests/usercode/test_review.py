"""The review of pasted Keras code: each mistake found on its line, the book's code left alone.

The snippets live in data/usercode/review_snippets.yml; a line that must be flagged ends in a
"#! <check>" comment, so the expected line numbers are read from the code itself.
"""

from collections import Counter

import pytest

from usercode import eval as review_eval
from usercode.extract import CodeRefused, code_of, sketch
from usercode.review import CHECKS, render, review

SNIPPETS = review_eval.load()
BOOK, MISTAKES = SNIPPETS["book"], SNIPPETS["mistakes"]


def _found(snippet: dict) -> set[tuple[str, int]]:
    return {(f.check, f.line) for f in review(sketch(snippet["code"]), snippet.get("question", ""))}


@pytest.mark.parametrize("snippet", MISTAKES, ids=lambda s: s["name"])
def test_review_finds_each_marked_mistake_on_its_line_and_nothing_else(snippet):
    assert _found(snippet) == review_eval.marked(snippet["code"])


@pytest.mark.parametrize("snippet", BOOK, ids=lambda s: s["name"])
def test_review_raises_no_alarm_on_the_books_own_code(snippet):
    assert _found(snippet) == set()


def test_the_snippet_set_has_three_snippets_per_check_some_mixing_two_mistakes():
    per_check = Counter()
    mixed = 0
    for snippet in MISTAKES:
        checks = {check for check, _ in review_eval.marked(snippet["code"])}
        per_check.update(checks)
        mixed += len(checks) >= 2
    names = {"output", "normalise", "input_shape", "stacked_rnn", "learning_rate", "validation", "flatten",
             "embedding", "task", "epochs"}
    assert len(CHECKS) == len(names) and set(per_check) == names
    assert min(per_check.values()) >= 3, per_check
    assert mixed >= 5
    assert len(BOOK) >= 8


def test_review_hit_rate_and_false_alarms_on_the_snippet_set(capsys):
    score = review_eval.score()
    print(f"\nreview: {score.found}/{score.expected} found on their line, {score.false_alarms} false alarms, "
          f"book code {score.book_clean}/{score.book} clean")
    assert score.found == score.expected and score.false_alarms == 0
    held = review_eval.score(kinds=("held_out",))
    print(f"held-out: {held.found}/{held.expected} found, {held.false_alarms} false alarms, "
          f"correct code {held.book_clean}/{held.book} clean")
    assert held.expected >= 9 and held.book >= 3
    assert held.found >= 0.8 * held.expected and held.false_alarms == 0


def test_missing_validation_is_reported_only_when_the_learner_asks_about_overfitting():
    code = next(s["code"] for s in MISTAKES if s["name"] == "overfitting question, fit without validation")
    assert [f.check for f in review(sketch(code), "is my model overfitting?")] == ["validation"]
    assert review(sketch(code), "review my code") == []


def test_code_is_read_from_a_fenced_block_with_its_own_line_numbers():
    message = ("why doesn't this work?\n```python\nmodel = tf.keras.Sequential([\n"
               "    tf.keras.layers.Dense(1, activation='softmax')\n])\n```\nthanks")
    code = code_of(message)
    assert code.splitlines()[0] == "model = tf.keras.Sequential(["
    assert [(f.check, f.line) for f in review(sketch(code))] == [("output", 2)]


def test_plain_text_code_is_read_without_the_learners_words_around_it():
    message = ("hey, can you review my model\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(10, "
               "activation='sigmoid')])\nmodel.compile(loss='sparse_categorical_crossentropy')\nwhat's wrong?")
    code = code_of(message)
    assert code.startswith("model = ") and code.endswith("crossentropy')")


def test_slack_escaped_code_is_unescaped_before_parsing():
    assert "x > 0" in code_of("```\nif x &gt; 0:\n    model.fit(x, y)\n```")


def test_a_slack_code_block_with_the_code_on_the_fence_line_and_smart_quotes_is_read():
    message = ("<@U0TUTOR> review this ```model = tf.keras.Sequential([tf.keras.layers.Dense(1, "
               "activation=\u2018softmax\u2019)])\nmodel.compile(loss=\u201cbinary_crossentropy\u201d)```")
    found = review(sketch(code_of(message)))
    assert [(f.check, f.line) for f in found] == [("output", 1)]


def test_code_over_200_lines_is_refused_with_the_limit():
    message = "```\n" + "\n".join(f"x{i} = {i}" for i in range(201)) + "\n```"
    with pytest.raises(CodeRefused, match="at most 200 lines of code; yours has 201"):
        code_of(message)


def test_a_message_with_no_python_is_refused_clearly():
    with pytest.raises(CodeRefused, match="couldn't find Python code"):
        code_of("my model doesn't train, what should I do")


def test_code_that_does_not_parse_names_the_line():
    with pytest.raises(CodeRefused, match=r"line 2"):
        sketch("model = Sequential()\nmodel.add(Dense(10)\n")


def test_render_lists_findings_with_line_numbers_and_the_fix_in_a_code_block():
    snippet = next(s for s in MISTAKES if s["name"].startswith("integer labels with categorical"))
    s = sketch(snippet["code"])
    text = render(review(s, snippet["question"]), s)
    assert "found 2 things to fix" in text
    assert "1. **Line 5**:" in text and "2. **Line 6**:" in text
    assert "```python\nloss='sparse_categorical_crossentropy'\n```" in text


def test_render_says_so_when_nothing_is_wrong():
    s = sketch(BOOK[1]["code"])
    assert "found none of the mistakes" in render([], s) and "run my model" in render([], s)
