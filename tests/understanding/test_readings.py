"""understanding/readings.py: numbers quoted from a training log read as the comparison they show."""

from pathlib import Path

import pytest
import yaml

from understanding import readings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text, shown", [
    ("train accuracy 0.99 but the val accuracy is only 0.70", "accuracy_gap"),
    ("it gets 98% on training pics and 61% on the test pics", "accuracy_gap"),
    ("Epoch 9/10 - loss: 0.02 - accuracy: 0.995 - val_loss: 1.3 - val_accuracy: 0.74", "accuracy_gap"),
    ("training loss 0.08, validation loss 2.4 and rising", "loss_gap"),
    ("weird, my validation accuracy is 0.93 and training accuracy only 0.86", "validation_above"),
    # the metric named once carries over; a misspelt split still counts
    ("training accuracy reaches 98% in two epochs but validation sits near 65", "accuracy_gap"),
    ("train acc 0.97, valdiation 0.71", "accuracy_gap"),
])
def test_quoted_training_and_validation_numbers_read_as_their_comparison(text, shown):
    assert readings.reading(text) == shown


@pytest.mark.parametrize("text", [
    "train a cnn for 20 epochs with dropout 0.3",
    "train for 20 epochs and test on 10% of the data",
    "training accuracy 0.95 and validation accuracy 0.93",  # close: noise, not a gap
    "my accuracy is stuck at 10%",
    "what is 2 + 2",
])
def test_nothing_is_read_without_both_splits_of_one_metric_far_apart(text):
    assert readings.reading(text) is None


def test_a_decimal_point_does_not_cut_a_number_in_two():
    assert readings.quoted("training acc 99.8% validation acc 72.5%") == {
        ("train", "accuracy"): pytest.approx(0.998), ("validation", "accuracy"): pytest.approx(0.725)}


def test_every_entry_a_reading_lifts_or_rules_out_is_in_the_knowledge_base():
    ids = {item["id"] for path in (ROOT / "data" / "faq" / "kb").glob("*.yml")
           for item in (yaml.safe_load(path.read_text()) or {}).get("items", [])}
    named = {e for table in (readings.EXPLAINED_BY, readings.RULED_OUT) for group in table.values() for e in group}
    assert named <= ids, sorted(named - ids)
    assert set(readings.EXPLAINED_BY) == set(readings.RULED_OUT)
