"""skills/run_review.py: questions about a learner's run are answered from that run's numbers."""

import pytest

from skills.run_review import Run, compare, explain, named_option, option, overfitting, question_kind, weight

CNN = Run(7, "vision", {"model": "cnn", "dropout": 0.0, "augmentation": False, "epochs": 10},
          {"train_accuracy": 0.998, "val_accuracy": 0.931, "overfit_gap": 0.067, "val_loss_rise": 0.08})
NEURON = Run(3, "hello_neuron", {"epochs": 500},
             {"weight": 1.9978, "bias": -0.9932, "final_loss": 4.1e-6, "prediction_x10": 18.98, "epochs": 500})


@pytest.mark.parametrize("text, kind", [
    ("is my model overfitting?", "overfitting"),
    ("which run was better?", "compare"),
    ("did my second run do better than the first", "compare"),
    ("what was the learning rate", None),
    ("compare my last two runs", "compare"),
    ("why is the weight 1.998 and not exactly 2?", "weight"),
    ("and with dropout?", "option"),
    ("what about augmentation?", "option"),
    ("why did that happen?", "why"),
    ("how did my training go?", "why"),
])
def test_question_kind_reads_what_is_asked_about_the_run(text, kind):
    assert question_kind(text) == kind


def test_overfitting_is_judged_from_the_runs_own_train_and_validation_accuracy():
    said = overfitting(CNN)
    assert said.startswith("Yes") and "0.998" in said and "0.931" in said and "0.067" in said
    healthy = Run(8, "vision", CNN.params, {"train_accuracy": 0.97, "val_accuracy": 0.96})
    assert overfitting(healthy).startswith("No:")
    weak = Run(9, "vision", CNN.params, {"train_accuracy": 0.5, "val_accuracy": 0.48})
    assert "underfitting" in overfitting(weak)


def test_why_did_that_happen_states_the_runs_numbers_without_a_yes_or_no_nobody_asked_for():
    said = explain(CNN, "Your CNN reached 93.1% validation accuracy.")
    assert said.startswith("Your CNN reached 93.1% validation accuracy. Your ")  # the run's facts next
    assert "Yes" not in said and "No:" not in said and "0.998" in said and "0.067" in said
    weak = Run(9, "vision", CNN.params, {"train_accuracy": 0.5, "val_accuracy": 0.48})
    assert "No," not in explain(weak, None) and "underfitting" in explain(weak, None)


def test_overfitting_has_no_answer_for_a_run_without_the_numbers_that_tell():
    assert overfitting(Run(1, "textgen", {}, {"accuracy": 0.9, "loss": 0.3})) is None


def test_the_weight_question_quotes_the_learners_weight_bias_and_epochs():
    said = weight(NEURON)
    assert "1.9978" in said and "-0.9932" in said and "500 epochs" in said and "18.980" in said
    assert weight(CNN) is None


def test_compare_names_the_better_run_by_the_skills_key_metric_and_what_changed():
    dropout = Run(11, "vision", {**CNN.params, "dropout": 0.3}, {"val_accuracy": 0.962})
    said = compare(dropout, Run(7, "vision", CNN.params, {"val_accuracy": 0.931}))
    assert said.startswith("Run 11 was better") and "dropout 0.0 -> 0.3" in said
    # For a loss, lower is better.
    longer = Run(4, "hello_neuron", {"epochs": 900}, {"final_loss": 1e-7})
    assert compare(longer, NEURON).startswith("Run 4 was better") and "lower is better" in compare(longer, NEURON)


def test_an_option_question_explains_it_on_the_run_and_offers_the_rerun():
    said, rerun = option(CNN, named_option("and with dropout?"))
    assert "run 7" in said and "0.067" in said and rerun == "rerun it with dropout 0.3"
    said, rerun = option(CNN, named_option("what about augmentation?"))
    assert rerun == "rerun it with augmentation"
    assert option(NEURON, "dropout") is None  # the neuron has no dropout to change


def test_coaching_after_a_clear_drop_names_the_drop_and_the_fix_never_a_good_fit():
    from skills.run_review import dropped

    params = {"model": "cnn", "epochs": 15, "augmentation": True, "dropout": 0.0}
    said = dropped({"val_accuracy": 0.933}, {"val_accuracy": 0.972}, params)
    assert said.startswith("Validation accuracy fell from 0.972 to 0.933 with augmentation at 15 epochs: "
                           "augmentation needs more epochs")
    assert "Try: train a cnn with augmentation for 40 epochs." in said and "Good fit" not in said


def test_coaching_says_nothing_of_a_drop_within_noise_or_without_a_previous_run():
    from skills.run_review import dropped

    params = {"model": "cnn", "epochs": 15, "augmentation": True}
    assert dropped({"val_accuracy": 0.965}, {"val_accuracy": 0.972}, params) is None
    assert dropped({"val_accuracy": 0.9}, None, params) is None


@pytest.mark.parametrize("params, error, fix", [
    ({"learning_rate": 1.0}, "learning rate 1 is too big for this data. Try a smaller one, such as 0.01.",
     ("Retry with learning rate 0.01", {"learning_rate": 0.01})),
    ({"learning_rate": 0.1}, "forecasts blew up to infinity: learning_rate 0.1 is too big. Try 0.003.",
     ("Retry with learning rate 0.003", {"learning_rate": 0.003})),
    ({"epochs": 40}, "I stopped it after 120 s. Try fewer epochs or a smaller model and ask again.",
     ("Retry with 20 epochs", {"epochs": 20})),
    ({"seed": 0}, "Training diverged (the loss is not a number). Try again with another seed.",
     ("Retry with seed 1", {"seed": 1})),
    ({"epochs": 40}, "It broke.", None),
])
def test_retry_fix_is_the_change_the_failure_message_suggests(params, error, fix):
    from skills.run_review import retry_fix

    assert retry_fix(params, error) == fix
