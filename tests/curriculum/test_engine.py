"""The lesson state machine: say waits for next, ask judges answers with hints and retries, run
waits for its result, checkpoints and branches decide by themselves."""

import pytest

from curriculum import LESSONS_DIR, load_lessons
from curriculum.engine import NEXT, answer, hint, next_step, present, run_finished, skip, start
from curriculum.loader import parse_lesson

LESSON = """
id: tiny
title: Tiny
chapters: [1]
minutes: 5
steps:
  - {id: hello, type: say, text: "Welcome."}
  - id: q1
    type: ask
    kind: choice
    question: "What does a neuron learn?"
    retries: 1
    hints: ["Think of y = wx + b."]
    options:
      - {id: a, text: "A weight and a bias", correct: true, feedback: "Yes!"}
      - {id: b, text: "A colour", feedback: "No colours here."}
  - {id: fork, type: branch, "on": q1, if_correct: train, if_wrong: remedial}
  - {id: remedial, type: say, text: "Let's go over it again.", next: q1}
  - id: train
    type: run
    skill: hello_neuron
    params: {epochs: 50}
    text: "Training now."
  - id: good-enough
    type: checkpoint
    condition: {metric: final_loss, skill: hello_neuron, op: "<=", value: 0.1}
    fail_text: "The loss is still high: train again."
    retry_step: train
  - {id: q2, type: ask, kind: short, question: "w for y = 2x - 1?", accept: ["2"], retries: 0}
"""


@pytest.fixture
def lesson():
    parsed, _, errors = parse_lesson(LESSON, "tiny.yml")
    assert errors == []
    return parsed


def test_engine_say_waits_for_next_then_asks_with_option_buttons(lesson):
    position, turns = start(lesson)
    assert turns[0].text == "Welcome." and turns[0].buttons == [{"title": "Next", "payload": NEXT}]
    (question,) = next_step(lesson, position)
    assert [b["payload"] for b in question.buttons] == ["a", "b"] and position.step_id == "q1"


def test_engine_wrong_answer_gets_feedback_and_a_hint_then_a_right_one_moves_on_to_the_run(lesson):
    position, _ = start(lesson)
    next_step(lesson, position)
    (wrong,) = answer(lesson, position, "b")
    assert "No colours here." in wrong.text and "Think of y = wx + b." in wrong.text
    assert wrong.attempt == {"step": "q1", "answer": "b", "correct": False, "try": 1}
    right, run = answer(lesson, position, "A weight and a bias")
    assert right.text == "Yes!" and right.attempt["correct"] is True
    assert run.run == {"skill": "hello_neuron", "params": {"epochs": 50}, "choose": {}}
    assert position.step_id == "train"


def test_engine_out_of_retries_shows_the_answer_and_the_branch_sends_to_the_remedial_step(lesson):
    position, _ = start(lesson)
    next_step(lesson, position)
    answer(lesson, position, "b")
    last, remedial = answer(lesson, position, "b")
    assert "A weight and a bias" in last.text and position.passed["q1"] is False
    assert remedial.text == "Let's go over it again." and position.step_id == "remedial"


def test_engine_checkpoint_sends_back_to_the_run_until_the_metric_is_met_then_finishes(lesson):
    position, _ = start(lesson)
    next_step(lesson, position)
    answer(lesson, position, "a")
    failed, again = run_finished(lesson, position, "hello_neuron", {"final_loss": 0.5})
    assert "still high" in failed.text and again.run is not None and position.step_id == "train"
    (q2,) = run_finished(lesson, position, "hello_neuron", {"final_loss": 0.01})
    assert position.step_id == "q2" and "Type your answer" in q2.text
    correct, end = answer(lesson, position, " 2 ")
    assert correct.attempt["correct"] and position.finished and "end of **Tiny**" in end.text


def test_engine_hint_and_skip_and_next_during_a_question(lesson):
    position, _ = start(lesson)
    next_step(lesson, position)
    assert hint(lesson, position)[0].text == "Hint: Think of y = wx + b."
    assert "No more hints" in hint(lesson, position)[0].text
    assert "waiting for an answer" in next_step(lesson, position)[0].text
    skip(lesson, position)
    assert position.passed["q1"] is False and position.step_id == "remedial"


@pytest.mark.parametrize("lesson_id", sorted(load_lessons(LESSONS_DIR)))
def test_engine_every_shipped_lesson_can_be_completed_by_a_learner_who_answers_right(lesson_id):
    from curriculum.model import AskStep, ChoiceAsk, RunStep, SayStep

    lesson = load_lessons(LESSONS_DIR)[lesson_id]
    position, _ = start(lesson)
    good = {"final_loss": 0.0, "val_accuracy": 1.0, "transfer_val_accuracy": 1.0,
            "accuracy": 1.0, "mae": 0.0}
    for _ in range(200):
        if position.finished:
            break
        step = lesson.step(position.step_id)
        if isinstance(step, SayStep):
            next_step(lesson, position)
        elif isinstance(step, ChoiceAsk):
            answer(lesson, position, step.correct_options[0].id)
        elif isinstance(step, AskStep):
            plain = [a for a in step.accept if not a.startswith("re:")]
            if plain:
                answer(lesson, position, plain[0])
            else:
                skip(lesson, position)
        elif isinstance(step, RunStep):
            run_finished(lesson, position, step.skill, good)
    assert position.finished


PICK = """
id: pick
title: Pick
chapters: [1]
minutes: 5
steps:
  - id: train
    type: run
    skill: hello_neuron
    params: {learning_rate: 0.01}
    choose:
      epochs: {prompt: "Epochs? 10 to 100.", min: 10, max: 100, default: 50}
    text: "Training now."
"""


def test_engine_run_step_asks_for_each_pick_within_bounds_before_it_runs():
    from curriculum.engine import waiting_for

    lesson, _, errors = parse_lesson(PICK, "pick.yml")
    assert errors == []
    position, (prompt,) = start(lesson)
    assert "Training now." in prompt.text and "Epochs? 10 to 100." in prompt.text and prompt.run is None
    assert prompt.buttons == [{"title": "You pick (50)", "payload": "50", "step": "train", "try": 1}]
    assert waiting_for(lesson, position) == "answer"
    (refused,) = answer(lesson, position, "1000")
    assert "from 10 to 100" in refused.text and refused.run is None and not position.chosen
    (whole,) = answer(lesson, position, "12.5")
    assert "whole number" in whole.text
    (run,) = answer(lesson, position, "30 please")
    assert run.run == {"skill": "hello_neuron", "params": {"learning_rate": 0.01, "epochs": 30},
                       "choose": {"epochs": 30}}
    assert waiting_for(lesson, position) == "run"
    run_finished(lesson, position, "hello_neuron", {"final_loss": 0.0})
    assert position.finished and position.chosen == {}


def test_engine_a_reply_that_names_no_option_is_not_counted_as_a_try(lesson):
    position, _ = start(lesson)
    next_step(lesson, position)
    (unmatched,) = answer(lesson, position, "purple")
    assert "couldn't match" in unmatched.text and unmatched.attempt is None
    assert position.tries == {} and [b["payload"] for b in unmatched.buttons] == ["a", "b"]


def test_engine_skipping_a_run_also_skips_the_checkpoint_that_tests_it(lesson):
    position, _ = start(lesson)
    next_step(lesson, position)
    answer(lesson, position, "a")
    assert position.step_id == "train"
    (q2,) = skip(lesson, position)
    assert position.step_id == "q2" and "w for y = 2x - 1?" in q2.text


# ---- issue 16: the hint ladder, reveals, labels, one click one try, run-step prompts ------------

LADDER = """
id: ladder
title: Ladder
chapters: [2]
minutes: 5
steps:
  - id: q-relu
    type: ask
    kind: short
    question: "Which activation keeps positives and zeroes negatives?"
    accept: [relu]
    synonyms: [rectifier]
    hints: ["Four letters.", "It starts with R."]
    wrong_answers:
      - {answers: [sigmoid], feedback: "Sigmoid squashes every value into 0 to 1."}
    retries: 2
    feedback_wrong: "That is ReLU, the rectified linear unit."
  - id: q-out
    type: ask
    kind: choice
    question: "How many output neurons for 10 classes?"
    options:
      - {id: a, text: "1", feedback: "One neuron gives one score, not one per class."}
      - {id: b, text: "10", correct: true}
  - {id: done, type: say, text: "Done."}
"""


@pytest.fixture
def ladder():
    parsed, _, errors = parse_lesson(LADDER, "ladder.yml")
    assert errors == []
    return parsed


def test_engine_wrong_answers_while_tries_remain_say_why_and_the_next_hint_never_the_answer(ladder):
    position, _ = start(ladder)
    (first,) = answer(ladder, position, "sigmoid")
    assert first.text == "Sigmoid squashes every value into 0 to 1. Hint: Four letters. Try again."
    (second,) = answer(ladder, position, "tanh")
    assert second.text == "Not quite. Hint: It starts with R. Try again."
    for said in (first.text, second.text):
        assert "relu" not in said.lower() and "rectified" not in said.lower()
    last, _ = answer(ladder, position, "softmax")
    assert "That is ReLU, the rectified linear unit." in last.text and position.passed["q-relu"] is False


def test_engine_wrong_try_offers_a_show_me_the_answer_button_that_reveals_it(ladder):
    position, _ = start(ladder)
    (wrong,) = answer(ladder, position, "sigmoid")
    (button,) = [b for b in wrong.buttons if b["title"] == "Show me the answer"]
    assert button["step"] == "q-relu" and button["try"] == 2
    shown, *_ = answer(ladder, position, button["payload"])
    assert "ReLU" in shown.text and position.passed["q-relu"] is False


def test_engine_without_hints_left_a_wrong_answer_offers_show_me_the_answer(ladder):
    position, _ = start(ladder)
    position.hints["q-relu"] = 2
    (wrong,) = answer(ladder, position, "tanh")
    assert 'say "show me the answer"' in wrong.text and "ReLU" not in wrong.text


def test_engine_show_me_the_answer_reveals_it_counts_not_passed_and_moves_on(ladder):
    position, _ = start(ladder)
    revealed, question = answer(ladder, position, "just show me the answer")
    assert "That is ReLU" in revealed.text and revealed.attempt is None
    assert position.passed["q-relu"] is False and "How many output neurons" in question.text


def test_engine_a_short_answer_in_a_sentence_or_a_synonym_is_right(ladder):
    for reply in ("I think it's relu", "a rectifier?"):
        position, _ = start(ladder)
        assert answer(ladder, position, reply)[0].attempt["correct"] is True


def test_engine_a_number_in_words_names_the_option_reading_it(ladder):
    position, _ = start(ladder)
    position.step_id = "q-out"
    (right, _) = answer(ladder, position, "ten")
    assert right.attempt == {"step": "q-out", "answer": "ten", "correct": True, "try": 1}


def test_engine_an_unmatched_reply_lists_the_options_by_their_button_labels_not_letters(ladder):
    position, _ = start(ladder)
    position.step_id = "q-out"
    (reply,) = answer(ladder, position, "purple")
    assert "**1** or **10**" in reply.text and "(a, b" not in reply.text and "letter" not in reply.text
    assert [b["title"] for b in reply.buttons] == ["1", "10"]


def test_engine_a_double_click_on_an_answer_button_is_one_try(ladder):
    position, _ = start(ladder)
    position.step_id = "q-out"
    buttons = present(ladder, position)[0].buttons
    assert {(b["step"], b["try"]) for b in buttons} == {("q-out", 1)}
    (wrong,) = answer(ladder, position, "a", step_id="q-out", try_number=1)
    (again,) = answer(ladder, position, "a", step_id="q-out", try_number=1)
    assert wrong.attempt["try"] == 1 and again.attempt is None and "counted it once" in again.text
    assert position.tries["q-out"] == 1 and position.step_id == "q-out"
    assert [b["try"] for b in wrong.buttons] == [2, 2, 2]  # the retry's buttons (and the reveal) name the next try


def test_engine_a_double_click_on_the_right_answer_is_not_graded_against_the_next_question(ladder):
    position, _ = start(ladder)
    right, _ = answer(ladder, position, "relu", now=100.0)
    (again,) = answer(ladder, position, "relu", now=101.0)  # the same message, sent twice
    assert right.attempt["correct"] and again.attempt is None and position.step_id == "q-out"
    assert position.tries.get("q-out") is None
    late, here = answer(ladder, position, "purple", step_id="q-relu", try_number=1)  # an old button
    assert "already left" in late.text and "How many output neurons" in here.text
    assert position.tries.get("q-out") is None


def test_engine_the_same_typed_answer_after_the_window_is_a_new_try(ladder):
    position, _ = start(ladder)
    answer(ladder, position, "tanh", now=100.0)
    (again,) = answer(ladder, position, "tanh", now=100.0 + 30)
    assert again.attempt["try"] == 2


def _at_run(lesson, run):
    from curriculum.engine import Position
    return Position(lesson.id, run.id)


SHIPPED = load_lessons(LESSONS_DIR)
RUNS = [(lesson.id, run.id) for lesson in SHIPPED.values() for run in lesson.runs]


@pytest.mark.parametrize("word", ["next", "ok", "go"])
@pytest.mark.parametrize(("lesson_id", "run_id"), RUNS)
def test_engine_next_ok_or_go_at_every_shipped_run_step_takes_the_button_defaults_and_starts_it(
        lesson_id, run_id, word):
    from curriculum.engine import waiting_for

    lesson = SHIPPED[lesson_id]
    run = lesson.step(run_id)
    position = _at_run(lesson, run)
    prompt = present(lesson, position)[-1]
    for name, spec in run.choose.items():  # each pick offers its default on a button
        assert prompt.run is None and prompt.buttons[0]["payload"] == str(spec.default)
        (prompt,) = answer(lesson, position, word) if name != next(iter(run.choose)) or word != "next" \
            else next_step(lesson, position)
    assert prompt.run == {"skill": run.skill, "params": {**run.params, **{n: s.default for n, s in run.choose.items()}},
                          "choose": {n: s.default for n, s in run.choose.items()}}
    assert waiting_for(lesson, position) == "run"
    (started,) = next_step(lesson, position)  # "next" with everything picked starts it, never "waiting"
    assert started.run == prompt.run and "waiting" not in started.text
