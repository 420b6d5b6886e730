"""The staff knowledge file (faq/staff.py): what staff teach is checked like a kb entry, tagged as
theirs, merged into the knowledge base, and re-read by the action server when it changes."""

import pytest

from faq import staff
from faq.knowledge import Entry, KnowledgeBase


def _kb() -> list[Entry]:
    return [Entry(id="dropout", kind="concept", topic="Dropout", questions=("what is dropout?",),
                  answer="Dropout turns neurons off at random.")]


def test_a_staff_entry_is_validated_like_a_kb_item_and_tagged_as_written_by_staff(tmp_path):
    path = tmp_path / staff.FILE_NAME
    entry = staff.add_entry(path, topic="Capsule networks", answer="Capsules route by agreement.",
                            questions=["how do capsules route?", "how  do capsules route?"], taken=set(),
                            staff="sam")
    assert entry.id == "staff-capsule-networks" and entry.written_by == "staff"
    assert entry.questions == ("how do capsules route?",)  # the same wording once
    read = staff.read(path)
    assert read.entries == (entry,)
    assert "author: sam" in path.read_text()


@pytest.mark.parametrize("topic, answer, questions", [
    ("Capsules", "   ", ["how do capsules route?"]),  # an empty answer
    ("   ", "Capsules route by agreement.", ["how do capsules route?"]),  # an empty topic
    ("x" * 61, "Capsules route by agreement.", ["how do capsules route?"]),  # too long for a button
])
def test_an_invalid_staff_entry_is_refused_and_the_file_is_untouched(tmp_path, topic, answer, questions):
    path = tmp_path / staff.FILE_NAME
    with pytest.raises(ValueError):
        staff.add_entry(path, topic=topic, answer=answer, questions=questions, taken=set(), staff="sam")
    assert not path.exists()


def test_a_new_id_never_takes_an_id_already_in_the_knowledge_base(tmp_path):
    path = tmp_path / staff.FILE_NAME
    first = staff.add_entry(path, topic="Dropout", answer="a", questions=["q"], taken={"staff-dropout"}, staff="s")
    second = staff.add_entry(path, topic="Dropout", answer="b", questions=["q2"], taken={"staff-dropout"}, staff="s")
    assert (first.id, second.id) == ("staff-dropout-2", "staff-dropout-3")


def test_phrasings_join_their_entry_and_staff_entries_come_last(tmp_path):
    path = tmp_path / staff.FILE_NAME
    staff.add_phrasings(path, "dropout", ["why switch neurons off while training"])
    staff.add_phrasings(path, "gone", ["an entry that left the kb"])
    new = staff.add_entry(path, topic="Capsules", answer="By agreement.", questions=["capsules?"], taken=set(),
                          staff="s")
    merged = staff.read(path).merge(_kb())
    assert merged[0].questions == ("what is dropout?", "why switch neurons off while training")
    assert [e.id for e in merged] == ["dropout", new.id]


def test_off_topic_wordings_are_kept_once(tmp_path):
    path = tmp_path / staff.FILE_NAME
    staff.add_off_topic(path, ["my transformer hums", "wine on the carpet"])
    staff.add_off_topic(path, ["my transformer hums"])
    assert staff.read(path).off_topic == ("my transformer hums", "wine on the carpet")


def test_the_live_knowledge_base_rereads_the_file_only_when_it_changes(tmp_path, monkeypatch):
    path = tmp_path / staff.FILE_NAME
    monkeypatch.setattr(staff, "_base", lambda data_dir: _kb())
    live = staff.LiveKnowledgeBase(path)
    first = live.current()
    assert isinstance(first, KnowledgeBase) and set(first.entries) == {"dropout"}
    assert live.current() is first  # unchanged file: the same object, no parse
    entry = staff.add_entry(path, topic="Capsules", answer="By agreement.", questions=["capsules?"], taken=set(),
                            staff="s")
    assert live.current().entry(entry.id).answer == "By agreement."


def test_a_broken_staff_file_keeps_the_knowledge_base_it_had(tmp_path, monkeypatch):
    path = tmp_path / staff.FILE_NAME
    monkeypatch.setattr(staff, "_base", lambda data_dir: _kb())
    live = staff.LiveKnowledgeBase(path)
    entry = staff.add_entry(path, topic="Capsules", answer="By agreement.", questions=["capsules?"], taken=set(),
                            staff="s")
    assert live.current().entry(entry.id) is not None
    path.write_text("items:\n  - {id: broken, topic: '', answer: ''}\n")
    assert live.current().entry(entry.id) is not None
