"""One broken fixture per kind of error: each is reported at the exact line:column of the node it
is about, in words a lesson author understands."""

from pathlib import Path

import pytest

from curriculum import Error, check_files, check_folder, load_lessons, validate_text
from curriculum.validate import LessonErrors, lesson_files

FIXTURES = Path(__file__).parent / "fixtures"


def errors_of(name: str) -> list[Error]:
    _, errors = check_files([FIXTURES / name])
    return errors


def only_error(name: str) -> Error:
    errors = errors_of(name)
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


@pytest.mark.parametrize("fixture, line, column, fragment", [
    ("yaml_syntax.yml", 2, 14, "not valid YAML: mapping values are not allowed here"),
    ("duplicate_key.yml", 9, 5, "'text' appears twice here (first on line 8)"),
    ("missing_field.yml", 9, 5, "this ask step is missing 'question'"),
    ("unknown_field.yml", 9, 5, "unknown field 'imgae' (did you mean 'image'?)"),
    ("wrong_type.yml", 4, 10, "'minutes' should be a whole number"),
    ("unknown_step_type.yml", 10, 11, "unknown type 'quiz'"),
    ("unknown_skill.yml", 8, 12, "unknown skill 'vison'"),
    ("unknown_param.yml", 10, 7, "the hello_neuron skill has no parameter 'epoch'; did you mean 'epochs'?"),
    ("param_out_of_bounds.yml", 11, 16, "'dropout' must be at most 0.5"),
    ("choose_out_of_bounds.yml", 13, 14, "max 9000 for 'epochs' is outside what hello_neuron accepts"),
    ("unreachable_step.yml", 10, 9, "step 'orphan' can never be reached"),
    ("missing_target.yml", 9, 11, "next goes to 'goodbye', but this lesson has no step with that id"),
    ("branch_on_not_a_question.yml", 11, 9, "'hello' is a say step"),
    ("quiz_passed_missing.yml", 14, 20, "quiz_passed names 'q2', but this lesson has no step"),
    ("missing_prerequisite.yml", 5, 5, "prerequisite 'hello-neuron' is not the id of any lesson"),
    ("duplicate_step_id.yml", 9, 9, "step id 'hello' is already used on line 6"),
    ("choice_without_correct.yml", 11, 7, "this question has no correct answer"),
    ("short_without_accept.yml", 10, 13, "has no accepted answer"),
    ("unknown_metric.yml", 13, 25, "the vision skill reports no metric 'accuracy'"),
])
def test_each_error_is_reported_at_its_yaml_position(fixture, line, column, fragment):
    error = only_error(fixture)
    assert (error.file, error.line, error.column) == (str(FIXTURES / fixture), line, column)
    assert fragment in error.message


def test_duplicate_lesson_id_is_reported_in_the_second_file():
    _, errors = check_folder(FIXTURES / "duplicate_lesson_id")
    assert [(Path(e.file).name, e.line, e.column) for e in errors] == [("second.yml", 2, 5)]
    assert "lesson id 'same-id' is already used by" in errors[0].message
    assert errors[0].message.count("first.yml") == 1


def test_prerequisite_cycle_is_reported_on_every_lesson_in_it():
    _, errors = check_folder(FIXTURES / "cycle")
    assert [(Path(e.file).name, e.line, e.column) for e in errors] == [("a.yml", 4, 17), ("b.yml", 4, 17)]
    assert "lesson-a -> lesson-b -> lesson-a" in errors[0].message
    assert "lesson-b -> lesson-a -> lesson-b" in errors[1].message


def test_a_broken_reference_does_not_also_report_the_steps_after_it_as_unreachable():
    assert len(errors_of("missing_target.yml")) == 1


def test_every_error_kind_has_a_fixture_and_every_fixture_fails():
    files = lesson_files(FIXTURES)
    assert len(files) == 19
    for path in files:
        assert errors_of(path.name), path.name


def test_load_lessons_raises_with_every_error_of_a_broken_folder():
    with pytest.raises(LessonErrors) as raised:
        load_lessons(FIXTURES)
    assert len(raised.value.errors) == 19
    assert str(raised.value.errors[0]).startswith(f"{FIXTURES / 'branch_on_not_a_question.yml'}:11:9: ")


def test_good_lessons_in_a_broken_folder_are_still_returned_by_check_files(tmp_path):
    good = Path(__file__).parents[2] / "lessons" / "01-hello-neuron.yml"
    lessons, errors = check_files([good, FIXTURES / "wrong_type.yml"])
    assert list(lessons) == ["hello-neuron"] and len(errors) == 1


# ---- validate_text: an uploaded lesson --------------------------------------------------------

UPLOAD = """\
# yaml-language-server: $schema=./lesson.schema.json
id: uploaded
title: An uploaded lesson
chapters: [2]
prerequisites: [hello-neuron]
minutes: 5
steps:
  - id: q1
    type: ask
    kind: choice
    question: How many output neurons for 10 classes?
    options:
      - {id: a, text: "1"}
      - {id: b, text: "10", correct: true}
  - id: fork
    type: branch
    on: q1
    if_correct: end
    if_wrong: explain
  - id: explain
    type: say
    text: One neuron per class.
"""


@pytest.fixture(scope="module")
def shipped():
    return load_lessons(Path(__file__).parents[2] / "lessons")


def test_validate_text_accepts_a_good_upload_against_the_shipped_lessons(shipped):
    assert validate_text(UPLOAD, "uploaded.yml", shipped) == []


def test_validate_text_reports_a_missing_prerequisite_with_its_position():
    errors = validate_text(UPLOAD, "uploaded.yml", known_lessons=[])
    assert [str(e) for e in errors] == [
        "uploaded.yml:5:17: prerequisite 'hello-neuron' is not the id of any lesson"]


def test_validate_text_reports_a_clash_with_an_existing_lesson_id_unless_it_replaces_it(shipped):
    text = UPLOAD.replace("id: uploaded", "id: computer-vision")
    errors = validate_text(text, "cv.yml", shipped)
    assert [(e.line, e.column) for e in errors] == [(2, 5)]
    assert "already used" in errors[0].message
    assert validate_text(text, "cv.yml", shipped, replaces="computer-vision") == []


def test_validate_text_sees_a_cycle_through_known_lessons(shipped):
    # hello-neuron would need the upload, which needs computer-vision, which needs hello-neuron.
    text = UPLOAD.replace("id: uploaded", "id: hello-neuron").replace(
        "prerequisites: [hello-neuron]", "prerequisites: [computer-vision]")
    errors = validate_text(text, "hello.yml", shipped, replaces="hello-neuron")
    assert len(errors) == 1 and (errors[0].line, errors[0].column) == (5, 17)
    assert "hello-neuron -> computer-vision -> hello-neuron" in errors[0].message


def test_validate_text_reports_yaml_and_schema_errors_of_an_upload():
    assert [str(e) for e in validate_text("id: [unclosed\n", "bad.yml")] == [
        "bad.yml:2:1: this is not valid YAML: expected ',' or ']', but got '<stream end>'. Check the "
        "indentation, and put quotes around text that contains ': ' or starts with a special character"]
    assert [str(e) for e in validate_text("", "empty.yml")] == [
        "empty.yml:1:1: the file is empty: a lesson needs id, title, chapters, minutes and steps"]
    errors = validate_text("- id: x\n", "list.yml")
    assert len(errors) == 1 and "not a list" in errors[0].message


def test_validate_text_checks_image_files_when_given_the_lessons_folder(tmp_path):
    text = UPLOAD.replace("text: One neuron per class.",
                          "text: One neuron per class.\n    image: images/softmax.png")
    errors = validate_text(text, "up.yml", ["hello-neuron"], lessons_dir=tmp_path)
    assert [(e.line, e.column, e.message) for e in errors] == [
        (23, 12, "there is no image file lessons/images/softmax.png")]
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "softmax.png").write_bytes(b"\x89PNG")
    assert validate_text(text, "up.yml", ["hello-neuron"], lessons_dir=tmp_path) == []
