"""The soak's counting rules (bench/soak_tally.py): a result delivered late is delivered, not lost;
one never received is lost; one received twice is a duplicate; a stored quiz attempt short of the
answers the bot replied to is a lost row."""

from collections import Counter

from bench.soak_tally import LESSON_END, Tally, lesson_losses, summarise


def _tally(accepted, results, late=(), waits=()):
    return Tally(session_id="s", accepted=list(accepted), results=Counter(results), late=set(late),
                 waits=list(waits), faq_ms=[100.0, 300.0])


def test_a_late_result_counts_as_delivered_and_is_listed_as_late_not_lost():
    line, details = summarise([_tally([1, 2], {1: 1, 2: 1}, late=[2], waits=[3.0, 240.0])],
                              {1: "succeeded", 2: "succeeded"})
    assert details["delivered"] == 2 and details["lost"] == 0 and details["late"] == [2]
    assert details["result_wait_s"]["max"] == 240.0
    assert line.startswith("soak: 2 trainings, 2 delivered, 0 duplicates, lost 0, FAQ p50 200 ms")


def test_a_result_never_received_or_never_finished_is_lost_and_one_shown_twice_is_a_duplicate():
    _, details = summarise([_tally([1, 2, 3], {1: 2, 3: 1})], {1: "succeeded", 2: "succeeded", 3: "running"})
    assert details["lost_results"] == 2  # 2 never arrived, 3 never finished
    assert details["duplicates"] == 1 and details["shown_twice"] == [1]


def test_a_quiz_answer_without_its_stored_attempt_is_a_lost_row():
    tally = Tally(session_id="s", lesson_started=True, lesson_chunks=3, answers=4)
    losses = lesson_losses([tally], {"s": {"progress": [LESSON_END], "attempts": 3}}, chunks=3)
    assert losses["lost_quiz_attempts"] == 1 and losses["lost_progress_rows"] == 0
    losses = lesson_losses([tally], {"s": {"progress": [], "attempts": 4}}, chunks=3)
    assert losses["lost_progress_rows"] == 1
