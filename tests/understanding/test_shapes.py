"""Shape errors are told apart by how their two shapes relate, never by the numbers."""

from understanding.shapes import relation

WRONG_SIZE = 'expected shape=(None, 300, 300, 3), found shape=(None, 150, 150, 3)'
NO_BATCH_AXIS = 'expected shape=(None, 150, 150, 3), found shape=(None, 150, 3)'
NO_CHANNEL_AXIS = 'expected shape=(None, 28, 28, 1), found shape=(None, 28, 28)'


def test_the_same_mistake_with_other_numbers_is_the_same_relation():
    other_numbers = relation("expected shape=(None, 224, 224, 3), found shape=(None, 96, 96, 3)")
    assert relation(WRONG_SIZE).likeness(other_numbers) == 1.0


def test_wrong_size_missing_batch_and_missing_channel_differ():
    size, batch, channel = relation(WRONG_SIZE), relation(NO_BATCH_AXIS), relation(NO_CHANNEL_AXIS)
    assert batch.dropped == "front" and channel.dropped == "end" and size.dropped == ""
    assert size.likeness(batch) < 1.0 and batch.likeness(channel) < 1.0 and size.likeness(channel) < 1.0


def test_a_batch_of_rows_read_as_one_image_is_an_axis_missing_at_the_front():
    assert relation("expected shape=(None, 300, 300, 3), found shape=(32, 300, 3)").dropped == "front"


def test_a_flattened_input_keeps_its_size():
    flat = relation("expected shape=(None, 28, 28), found shape=(None, 784)")
    assert flat.same_size and not relation(WRONG_SIZE).same_size


def test_brackets_question_marks_and_minus_one_are_shapes_too():
    assert relation("must be [-1,28,28,1], but was [28,28,1]").dropped == "front"
    assert relation("input shapes: [?,1,1,128], [3,3,128,128]").ranks == (4, 4)


def test_a_line_with_fewer_than_two_shapes_has_no_relation():
    assert relation("Full shape received: (None, 28, 28)") is None
    assert relation("rate must be a float in the range [0, 1), got 20") is None
