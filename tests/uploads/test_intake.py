"""The intake's rules (issue 17's table): each accepted kind becomes the contract's folder, each
broken rule gets its own sentence, and the kind is read from the content, not the name."""

import json

import pytest

from tests.uploads import files
from uploads import contract
from uploads.intake import check
from uploads.normalised import UploadRefused
from uploads.series import choose_column


def refusal(data: bytes, used: int = 0) -> str:
    with pytest.raises(UploadRefused) as caught:
        check(data, used)
    return str(caught.value)


def test_a_series_csv_becomes_series_csv_with_its_meta_and_gaps_filled(tmp_path):
    checked = check(files.series_csv(rows=150, gaps=(5, 6)))
    checked.write(tmp_path / "up")
    values = contract.read_series(tmp_path / "up")
    meta = contract.read_meta(tmp_path / "up")
    assert checked.kind == "series" and checked.ready
    assert meta == {"column": "sales", "rows": 150, "gaps": 2, "index_column": "date"}
    assert len(values) == 150 and values[5] == pytest.approx(values[4] + (values[7] - values[4]) / 3)
    assert "2 gaps (empty cells) filled" in checked.summary and '"sales"' in checked.summary


def test_a_tsv_series_is_read_by_its_tab_delimiter():
    assert check(files.series_csv(delimiter="\t")).meta["column"] == "sales"


def test_a_series_with_several_numeric_columns_asks_which_then_uses_the_choice(tmp_path):
    checked = check(files.series_csv(columns=("sales", "visitors")))
    assert not checked.ready and checked.choices == ["sales", "visitors"]
    assert "Which one should I forecast?" in checked.summary
    checked.write(tmp_path / "up")
    picked = choose_column(tmp_path / "up", "visitors")
    assert contract.read_meta(tmp_path / "up")["column"] == "visitors" == picked.meta["column"]
    assert len(contract.read_series(tmp_path / "up")) == 120


def test_a_series_under_100_rows_is_refused_with_the_count():
    assert "has 60 values; I need at least 100" in refusal(files.series_csv(rows=60))


def test_a_series_over_100k_rows_is_refused():
    assert "I take at most 100,000" in refusal(b"value\n" + b"1\n" * 100_002)


def test_a_non_numeric_value_in_the_series_names_its_row():
    data = files.series_csv().replace(b"\n2024-01-04,", b"\n2024-01-04,abc", 1)
    message = refusal(data)
    assert "must hold numbers" in message and 'row 5 says "abc' in message


def test_labelled_texts_become_text_jsonl_with_0_for_the_negative_label(tmp_path):
    checked = check(files.labelled_csv(rows=130))
    checked.write(tmp_path / "up")
    rows = contract.read_text(tmp_path / "up")
    assert checked.kind == "text" and len(rows) == 130
    assert contract.read_meta(tmp_path / "up") == {"labels": ["negative", "positive"], "rows": 130,
                                                    "counts": [65, 65]}
    assert rows[0] == ("the food was cold number 0", 0) and rows[1][1] == 1


def test_json_lines_texts_are_accepted_with_their_own_field_names():
    checked = check(files.labelled_jsonl())
    assert checked.kind == "text" and checked.meta["labels"] == ["0", "1"]


def test_three_labels_are_refused_saying_only_two_are_supported():
    assert "only two are supported" in refusal(files.labelled_csv(labels=("bad", "good", "meh")))


def test_under_100_labelled_texts_are_refused():
    assert "I need at least 100" in refusal(files.labelled_csv(rows=40))


def test_a_text_over_the_length_bound_is_refused():
    data = files.labelled_csv() + b"x " * 1500 + b",positive\n"
    assert "at most 2,000 characters" in refusal(data)


def test_an_image_zip_becomes_pngs_of_at_most_64_pixels_per_class(tmp_path):
    checked = check(files.images_zip({"cats": 40, "dogs": 38, "birds": 12}, size=(100, 80)))
    checked.write(tmp_path / "up")
    stored = list(contract.image_files(tmp_path / "up"))
    assert checked.kind == "images" and len(stored) == 90
    assert contract.read_meta(tmp_path / "up") == {"classes": {"birds": 12, "cats": 40, "dogs": 38},
                                                    "size": [64, 51]}
    assert checked.summary == ("3 classes: cats 40, dogs 38, birds 12. Birds has few images; "
                               "I'll warn you about it.")


def test_too_few_images_in_a_class_is_refused_naming_the_class():
    assert "at least 10 images; dogs 4" in refusal(files.images_zip({"cats": 12, "dogs": 4}))


def test_one_class_or_eleven_classes_are_refused():
    assert "1 class folder" in refusal(files.images_zip({"cats": 12}, top=""))
    assert "I train on 2 to 10 classes" in refusal(files.images_zip({f"c{n}": 10 for n in range(11)}))


@pytest.mark.parametrize("evil", ["../../evil.png", "/etc/evil.png", "pets/../../evil.png", "C:/evil.png"])
def test_a_zip_entry_that_leaves_the_archive_is_refused(evil):
    assert "points outside the archive" in refusal(files.traversal_zip(evil))


def test_a_zip_symlink_is_refused():
    assert "points outside the archive" in refusal(files.symlink_zip())


def test_a_zip_bomb_is_refused_before_unpacking():
    assert "looks like a ZIP bomb" in refusal(files.bomb_zip())


def test_an_undecodable_image_is_refused_by_name():
    data = files.images_zip(extra={"pets/cats/notes.png": b"not an image at all"})
    assert "pets/cats/notes.png" in refusal(data) and "not an image I can read" in refusal(data)


def test_the_kind_comes_from_the_content_not_the_name():
    assert "none of those" in refusal(bytes(range(256)) * 10)  # a binary file, whatever its name
    assert check(files.images_zip()).kind == "images"  # a ZIP is a ZIP without ".zip"


def test_a_file_over_20_mb_or_over_the_learners_100_mb_is_refused():
    assert "I take files of at most 20 MB" in refusal(b"0" * (20 * 1024 * 1024 + 1))
    assert "of your 100 MB" in refusal(files.series_csv(), used=100 * 1024 * 1024 - 100)


def test_written_meta_is_json_the_contract_reads(tmp_path):
    check(files.labelled_jsonl()).write(tmp_path / "up")
    assert json.loads((tmp_path / "up" / contract.META_FILE).read_text())["rows"] == 120
