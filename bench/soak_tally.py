"""What the soak's learners saw, added up: results delivered, shown twice, late or lost, and the
lesson rows PostgreSQL lacks (bench/soak.py runs the learners; this only counts)."""

import statistics
from collections import Counter
from dataclasses import dataclass, field

from bench.stats import percentile

# Lesson 1 ends, after the soak's chunks (bench/soak.py LESSON), with this progress row.
LESSON_END = ("hello-neuron", "quit", "q-param")


@dataclass
class Tally:
    """What one learner saw."""

    session_id: str = ""
    faq_ms: list[float] = field(default_factory=list)
    faq_sent: list[float] = field(default_factory=list)  # time.monotonic() of each timed FAQ turn
    accepted: list[int] = field(default_factory=list)  # job numbers the bot acknowledged
    refused: int = 0  # fair use said no (told when they can train again)
    results: Counter = field(default_factory=Counter)  # job id -> result cards received
    errors: list[str] = field(default_factory=list)
    arrivals: list[tuple] = field(default_factory=list)  # (job id, learner, when) per result card
    reconnects: int = 0  # times its socket dropped and it reconnected, as the widget does
    result_texts: Counter = field(default_factory=Counter)  # job id -> "Job #N is done" texts received
    unanswered: list[str] = field(default_factory=list)  # turns that got no reply in REPLY_WAIT
    waits: list[float] = field(default_factory=list)  # seconds from "On it!" to each first result card
    late: set = field(default_factory=set)  # jobs whose result took longer than RESULT_WAIT
    lesson_chunks: int = 0  # lesson chunks done, every turn answered
    answers: int = 0  # quiz answers the bot replied to (each must be a stored attempt)
    lesson_started: bool = False  # "start lesson 1" was answered: a progress row must exist
    lesson_open: bool = False  # a lesson turn went unanswered: no more lesson turns (state unknown)


def lesson_losses(tallies: list[Tally], records: dict[str, dict], chunks: int) -> dict:
    """Progress rows and quiz attempts PostgreSQL lacks, against what the learners were told.
    A learner whose lesson turn went unanswered may have one more attempt stored than it counted
    (the unanswered one), never fewer."""
    lost_rows = lost_attempts = extra_attempts = 0
    for tally in tallies:
        record = records.get(tally.session_id, {"progress": [], "attempts": 0})
        if tally.lesson_started:
            lessons = {lesson for lesson, _, _ in record["progress"]}
            lost_rows += "hello-neuron" not in lessons
            if tally.lesson_chunks == chunks:
                lost_rows += "hello-neuron" in lessons and LESSON_END not in record["progress"]
        lost_attempts += max(0, tally.answers - record["attempts"])
        extra_attempts += max(0, record["attempts"] - tally.answers - (1 if tally.lesson_open else 0))
    return {"lesson_learners": sum(1 for t in tallies if t.lesson_started),
            "lessons_finished": sum(1 for t in tallies if t.lesson_chunks == chunks),
            "quiz_answers": sum(t.answers for t in tallies),
            "quiz_attempts_stored": sum(r["attempts"] for r in records.values()),
            "lost_progress_rows": lost_rows, "lost_quiz_attempts": lost_attempts,
            "extra_quiz_attempts": extra_attempts}


def summarise(tallies: list[Tally], finished: dict[int, str], lessons: dict | None = None) -> tuple[str, dict]:
    accepted = [job for t in tallies for job in t.accepted]
    received: Counter = Counter()
    for t in tallies:
        received.update(t.results)
    delivered = sum(1 for job in accepted if received[job] >= 1)
    duplicates = sum(max(0, received[job] - 1) for job in received)
    unfinished = [job for job in accepted if finished.get(job) not in ("succeeded", "failed", "cancelled")]
    lost_results = len({job for job in accepted if received[job] == 0} | set(unfinished))
    lessons = lessons or {"lost_progress_rows": 0, "lost_quiz_attempts": 0, "extra_quiz_attempts": 0}
    lost = lost_results + lessons["lost_progress_rows"] + lessons["lost_quiz_attempts"]
    duplicates += lessons["extra_quiz_attempts"]
    faq = [ms for t in tallies for ms in t.faq_ms]
    line = (f"soak: {len(accepted)} trainings, {delivered} delivered, {duplicates} duplicates, "
            f"lost {lost}, FAQ p50 {statistics.median(faq) if faq else float('nan'):.0f} ms "
            f"p95 {percentile(faq, 95) if faq else float('nan'):.0f} ms")
    details = {"accepted": len(accepted), "delivered": delivered, "duplicates": duplicates, "lost": lost,
               "lost_results": lost_results, **lessons,
               "unfinished": unfinished, "failed": sorted(j for j in accepted if finished.get(j) == "failed"),
               "refused": sum(t.refused for t in tallies), "faq_turns": len(faq),
               "unanswered": [u for t in tallies for u in t.unanswered],
               "reconnects": sum(t.reconnects for t in tallies),
               "errors": [e for t in tallies for e in t.errors],
               "shown_twice": sorted(job for job, n in received.items() if n > 1)}
    waits = [w for t in tallies for w in t.waits]
    details["result_wait_s"] = ({"p50": round(statistics.median(waits), 1), "p95": round(percentile(waits, 95), 1),
                                 "max": round(max(waits), 1)} if waits else {})
    details["late"] = sorted(job for t in tallies for job in t.late)  # delivered after RESULT_WAIT
    details["shown_twice_arrivals"] = [a for t in tallies for a in t.arrivals if a[0] in details["shown_twice"]]
    # Was the whole message batch of the result received twice, or only its card?
    details["shown_twice_texts"] = {job: sum(t.result_texts[job] for t in tallies) for job in details["shown_twice"]}
    return line, details
