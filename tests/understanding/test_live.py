"""The live router (understanding/live.py): what staff teach on the staff page is what the next
message is ranked against, without a restart, and a staff file that breaks keeps the old one."""

import time

import pytest

from faq import staff
from understanding import live
from understanding.build import cache_file, sources
from understanding.vectors import CachedEncoder


@pytest.fixture(scope="module")
def src():
    return sources()


@pytest.fixture
def live_router(router, src, tmp_path):
    # The session router's encoder, with the shared vector cache: only staff wordings are new.
    return live.LiveRouter(src, CachedEncoder(router.encoder.encoder, cache_file()), tmp_path / staff.FILE_NAME)


def test_a_staff_answer_answers_a_paraphrase_from_the_next_message_on(live_router):
    before = live_router.current().understand("explain routing by agreement in capsule nets")
    assert before.entry_id is None
    staff.add_entry(live_router.staff_file, topic="Capsule networks", taken=set(), staff="sam",
                    answer="Capsules route by agreement.", questions=["how do capsule networks route between layers?"])
    started = time.monotonic()
    after = live_router.current().understand("explain routing by agreement in capsule nets")
    print(f"\nrebuild after a staff answer: {live_router.last_rebuild_seconds:.2f} s "
          f"(first message after it {time.monotonic() - started:.2f} s)")
    assert (after.intent, after.entry_id) == ("faq", "staff-capsule-networks")


def test_a_dismissed_wording_is_declined_from_the_next_message_on(live_router):
    wording = "which seasoning goes with a ribeye tensor of flavours"
    staff.add_off_topic(live_router.staff_file, [wording])
    assert live_router.current().understand(wording).intent == "out_of_scope"


def test_a_staff_phrasing_makes_its_entry_answer_that_wording(live_router):
    wording = "the switch-off-neurons-at-random trick, what is it"
    staff.add_phrasings(live_router.staff_file, "dropout", [wording])
    assert live_router.current().understand(wording).entry_id == "dropout"


def test_nothing_is_rebuilt_while_the_staff_file_is_unchanged(live_router):
    first = live_router.current()
    assert live_router.current() is first and live_router.rebuilds == 0


def test_a_broken_staff_file_keeps_the_router_it_had(live_router):
    staff.add_off_topic(live_router.staff_file, ["something to decline"])
    taught = live_router.current()
    live_router.staff_file.write_text("items: [{id: x, topic: '', answer: ''}]\n")
    assert live_router.current() is taught and live_router.rebuilds == 2
