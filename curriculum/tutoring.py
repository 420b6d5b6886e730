"""A learner's lesson turn: read their progress, move the engine, store what happened, and say it.

The chat actions (actions/lessons.py) only translate between Rasa and this module; the engine
(curriculum.engine) only knows lessons. This module joins the two with the database: it loads
the learner's Position, stores it and every quiz attempt after each turn, and turns run steps
into queued training jobs whose results come back through `job_finished`.

Lessons are read from a LessonLibrary at every turn, so an edited lesson file applies to the next
message without a restart. A learner whose current step vanished in an edit starts that lesson
again, and is told so.
"""

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from curriculum import engine, positions
from curriculum.engine import Position, Turn
from curriculum.library import LessonLibrary
from curriculum.lookup import find_lesson
from curriculum.model import AskStep, ChoiceAsk, Lesson, ShortAsk
from curriculum.replies import Button, Message, Reply, reflow
from curriculum.reports import learner_summary
from db import progress as store
from db import repository as repo
from db.models import Job, JobStatus, Learner, LessonProgress, LessonStatus, utcnow
from jobs import service
from tutor.payloads import LessonState

log = logging.getLogger(__name__)

QUESTION = re.compile(r"\?\s*$|^\s*(what|why|how|when|where|which|who|whom|whose|can|could|does|do|"
                      r"is|are|should|would|will|explain|tell me|define)\b", re.I)
WORDS = re.compile(r"[^\W\d_]{2,}")


class Tutoring:
    """Lesson turns for one running service (holds the lesson library and a clock)."""

    def __init__(self, library: LessonLibrary, public_base_url: str,
                 clock: Callable[[], datetime] = utcnow):
        self.library = library
        self.public_base_url = public_base_url.rstrip("/")
        self.clock = clock

    # ---- lesson list and start ----------------------------------------------------------------

    def list_lessons(self, session: Session, learner: Learner) -> Reply:
        lessons = self.library.ordered()
        if not lessons:
            return Reply([Message("There are no lessons yet. Ask me anything meanwhile!")])
        rows = store.lesson_rows(session, learner)
        lines = ["Here are the lessons. Say \"start lesson 2\" (or click one) to begin:"]
        for number, lesson in enumerate(lessons, start=1):
            chapters = ", ".join(map(str, lesson.chapters))
            line = (f"{number}. **{lesson.title}** (ch. {chapters}, about {lesson.minutes} min)"
                    f"{self._status_note(lesson, rows.get(lesson.id))}")
            lines.append(line)
        suggestions = self._suggested(lessons, rows)
        buttons = [Button(f"{verb} lesson {lessons.index(lesson) + 1}: {lesson.title}", "start_lesson",
                          lesson.id) for verb, lesson in suggestions]
        return Reply([Message("\n".join(lines), buttons)])

    def start(self, session: Session, learner: Learner, conversation_id: str, text: str,
              lesson_id: str | None = None) -> Reply:
        lessons = self.library.ordered()
        lesson = self.library.get(lesson_id) if lesson_id else find_lesson(lessons, text)
        if lesson is None:
            reply = self.list_lessons(session, learner)
            reply.messages.insert(0, Message("I couldn't tell which lesson you mean."))
            return reply
        rows = store.lesson_rows(session, learner)
        previous = rows.get(lesson.id)
        row, _ = store.open_lesson(session, learner, lesson.id, conversation_id)
        notes = [self._missing_prerequisites(lesson, rows)]
        position = positions.load(row)
        resumable = (previous is not None and previous.status is not LessonStatus.completed
                     and position is not None and positions.valid(lesson, position))
        if resumable:
            notes.append(f"Welcome back to **{lesson.title}**. We were at step "
                         f"{positions.step_number(lesson, position)} of {len(lesson.steps)}.")
            turns = self._unless_training(session, row, lesson, position, engine.present)
            if turns is None:
                turns = [Turn(f"Your training (job #{row.job_id}) is still going; the lesson "
                              "carries on as soon as it's done.")]
        else:
            if previous is not None and previous.status is LessonStatus.completed:
                notes.append(f"You've finished **{lesson.title}** before; here it is again from the top.")
            elif previous is not None:
                notes.append(f"**{lesson.title}** has changed since you were last here, so it "
                             "starts again from the top.")
            else:
                notes.append(f"Let's start **{lesson.title}** ({lesson.minutes} min). Say "
                             "\"hint\", \"skip\", \"repeat\", \"where was I\" or \"quit lesson\" "
                             "at any time, and ask me questions whenever you like.")
            position, turns = engine.start(lesson)
            row.job_id = None
        intro = [Message(note) for note in notes if note]
        return self._finish(session, learner, row, lesson, position, turns, intro)

    # ---- in-lesson commands -------------------------------------------------------------------

    def next(self, session: Session, learner: Learner) -> Reply:
        return self._turn(session, learner, engine.next_step)

    def repeat(self, session: Session, learner: Learner) -> Reply:
        return self._turn(session, learner, engine.present)

    def skip(self, session: Session, learner: Learner) -> Reply:
        return self._turn(session, learner, engine.skip)

    def hint(self, session: Session, learner: Learner) -> Reply:
        return self._turn(session, learner, engine.hint)

    def answer(self, session: Session, learner: Learner, text: str) -> Reply:
        return self._turn(session, learner, lambda lesson, position: engine.answer(lesson, position, text))

    def where(self, session: Session, learner: Learner) -> Reply:
        row = store.active_lesson(session, learner) or store.latest_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        if row is None or lesson is None:
            return self._no_lesson(session, learner, "You haven't started a lesson yet.")
        position = positions.load(row)
        if row.status is LessonStatus.completed:
            return Reply([Message(f"You finished **{lesson.title}** last. Want another one?",
                                  self.list_lessons(session, learner).messages[0].buttons)])
        if row.status is not LessonStatus.active:
            return Reply([Message(f"You were in **{lesson.title}**, at step "
                                  f"{positions.step_number(lesson, position)} of {len(lesson.steps)}.",
                                  [Button("Resume it", "start_lesson", lesson.id)])])
        intro = [Message(f"You're in **{lesson.title}**, step {positions.step_number(lesson, position)} of "
                         f"{len(lesson.steps)}. Here's where we were:")]
        return self._move(session, learner, row, lesson, engine.present, intro)

    def quit(self, session: Session, learner: Learner) -> Reply:
        row = store.active_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        if row is None or lesson is None:
            return Reply([Message("You're not in a lesson right now, so there's nothing to quit.")])
        store.quit_lesson(session, row)
        return Reply([Message(
            f"Okay, I've left **{lesson.title}** at step {positions.step_number(lesson, positions.load(row))} of "
            f"{len(lesson.steps)}. Your progress is saved: say \"start lesson "
            f"{self._number(lesson)}\" to pick it up again.",
            [Button("Show all lessons", "list_lessons")])])

    # ---- a message while a question is open -------------------------------------------------
    # The chat side decides, in this order: a free question the FAQ brain can answer
    # (`free_question`), a command its language understanding is sure of and that
    # `may_be_command` allows, else an answer (`answer`). Curriculum knows the question, not NLU.

    def free_question(self, session: Session, learner: Learner, text: str,
                      faq_answer: Callable[[str], Any]) -> tuple[Reply, Any] | None:
        """(the open question again, the FAQ answer to show first) when the text reads like a
        question, isn't an accepted answer and `faq_answer` knows the answer; else None. No try
        is used up."""
        found = self._open_question(session, learner)
        if found is None or not QUESTION.search(text):
            return None
        row, lesson, position = found
        if _accepts(lesson.step(position.step_id), text):
            return None
        answer = faq_answer(text)
        if answer is None:
            return None
        return self._move(session, learner, row, lesson, engine.present, [Message("Back to the lesson:")]), answer

    def may_be_command(self, session: Session, learner: Learner, text: str) -> bool:
        """Whether a message to the open question could be a command rather than an answer try:
        a question (not a run's parameter pick, where any text is a pick) is open, and the text
        names no option of a multiple choice, or is two words or more that a short question
        doesn't accept. Which command it is, and whether it is one, only the caller can tell."""
        found = self._open_question(session, learner)
        if found is None:
            return False
        _, lesson, position = found
        step = lesson.step(position.step_id)
        if not isinstance(step, AskStep) or _accepts(step, text):
            return False
        return isinstance(step, ChoiceAsk) or len(WORDS.findall(text)) >= 2

    def answers_open_question(self, session: Session, learner: Learner, text: str) -> bool:
        """Whether the text is an accepted reply to the open question (an option of a multiple
        choice, or a right short answer), whatever intent NLU gave it."""
        found = self._open_question(session, learner)
        if found is None:
            return False
        _, lesson, position = found
        return _accepts(lesson.step(position.step_id), text)

    def asking(self, session: Session, learner: Learner) -> bool:
        """Whether the learner's active lesson waits for their answer (the Rasa slot's truth)."""
        return self._open_question(session, learner) is not None

    def _open_question(self, session: Session, learner: Learner):
        """(row, lesson, position) when the active lesson waits for the learner's reply to a
        question or a parameter pick; else None."""
        row = store.active_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        position = positions.load(row) if row else None
        if lesson is None or position is None or not positions.valid(lesson, position) \
                or engine.waiting_for(lesson, position) != "answer":
            return None
        return row, lesson, position

    def resume_note(self, session: Session, learner: Learner) -> Message | None:
        """After a free question mid-lesson: how to get back into it."""
        row = store.active_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        if lesson is None or row.step_id is None:
            return None
        return Message(f"(We're in the middle of **{lesson.title}**. Ready to carry on?)",
                       [Button("Back to the lesson", "repeat")])

    def progress(self, session: Session, learner: Learner) -> Reply:
        """"How am I doing?": lessons done, where they are in the others, first-try quiz score,
        and a chart (rendered by the API from the same numbers when the image is opened)."""
        summary = learner_summary(session, learner.id, self.library.ordered())
        if not summary.started:
            reply = self.list_lessons(session, learner)
            reply.messages[0].text = ("You haven't started a lesson yet, so there's nothing to "
                                      "score. " + (reply.messages[0].text or ""))
            return reply
        lines = [f"You've completed {summary.completed} of {len(summary.lessons)} lessons"
                 + (f" and run {summary.trainings} trainings." if summary.trainings else ".")]
        if summary.answered:
            share = round(100 * summary.first_try_correct / summary.answered)
            lines.append(f"Quiz questions: {summary.first_try_correct} of {summary.answered} right "
                         f"on the first try ({share}%).")
        for item in summary.lessons:
            if item.status == "not started":
                continue
            where = ("done ✓" if item.done == 1.0 else
                     f"{item.status}, step {item.step_number} of {item.steps} ({round(100 * item.done)}%)")
            score = f", quiz {item.first_try_correct}/{item.answered} first try" if item.answered else ""
            lines.append(f"- **{item.title}**: {where}{score}")
        upcoming = next((item for item in summary.lessons if item.status == "not started"), None)
        buttons = [Button(f"Start {upcoming.title}", "start_lesson", upcoming.lesson_id)] if upcoming else []
        chart = f"{self.public_base_url}/progress/{learner.public_id}/chart.png"
        return Reply([Message("\n".join(lines), buttons), Message(image=chart)])

    # ---- trainings ----------------------------------------------------------------------------

    def job_finished(self, session: Session, job: Job) -> Reply | None:
        """A training finished: if a lesson waits for it, go on (or explain a failure)."""
        row = store.waiting_on(session, job)
        lesson = self.library.get(row.lesson_id) if row else None
        if row is None or lesson is None:
            return None
        row.job_id = None
        position = positions.load(row)
        if job.status is not JobStatus.succeeded or position is None:
            what = "was stopped" if job.status is JobStatus.cancelled else "didn't finish"
            row.updated_at = self.clock()
            return Reply([Message(
                f"The lesson's training {what}, so we're still at this step. Say \"repeat\" to run "
                "it again, or \"skip\" to move on without it.",
                [Button("Run it again", "repeat"), Button("Skip it", "skip")])])
        metrics = (job.result or {}).get("metrics", {})
        turns = engine.run_finished(lesson, position, job.skill, metrics)
        return self._finish(session, row.learner, row, lesson, position, turns, [])

    # ---- internals ----------------------------------------------------------------------------

    def _turn(self, session: Session, learner: Learner, move) -> Reply:
        row = store.active_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        if row is None or lesson is None:
            return self._no_lesson(session, learner, "You're not in a lesson right now.")
        return self._move(session, learner, row, lesson, move, [])

    def _move(self, session, learner, row, lesson, move, intro: list[Message] | None = None) -> Reply:
        intro = list(intro or [])
        position = positions.load(row)
        if position is None or not positions.valid(lesson, position):
            intro = intro + [Message(f"**{lesson.title}** was changed by the course staff since "
                                     "your last visit, so we start it again from the top.")]
            position, turns = engine.start(lesson)
            row.job_id = None
        else:
            turns = self._unless_training(session, row, lesson, position, move)
            if turns is None:
                return Reply(intro + [Message(
                    f"Your training (job #{row.job_id}) is still going; the lesson carries on as "
                    "soon as it's done. Say \"skip\" to move on now.")])
        return self._finish(session, learner, row, lesson, position, turns, intro)

    def _unless_training(self, session, row, lesson, position, move) -> list[Turn] | None:
        """`move`, minding the lesson's training: None while it still runs (so "next", "repeat" or
        a resume never start a second one); its result, if it finished while the learner was
        away from this lesson (the push only continues an active lesson)."""
        if engine.waiting_for(lesson, position) == "run" and row.job_id is not None:
            job = repo.get_job(session, row.job_id)
            if move is engine.skip:
                row.job_id = None  # the job still finishes and is shown; the lesson moves on
            elif job is not None and job.status in (JobStatus.queued, JobStatus.running):
                return None
            else:
                row.job_id = None
                if job is not None and job.status is JobStatus.succeeded:
                    return engine.run_finished(lesson, position, job.skill,
                                               (job.result or {}).get("metrics", {}))
        return move(lesson, position)

    def _finish(self, session, learner, row: LessonProgress, lesson: Lesson, position: Position,
                turns: list[Turn], intro: list[Message]) -> Reply:
        """Store attempts and the new position, queue a run the turns ask for, and render."""
        now = self.clock()
        messages = list(intro)
        before = row.step_id
        for turn in turns:
            if turn.attempt:
                seconds = positions.seconds_since_asked(row, now)
                store.record_attempt(session, row, turn.attempt["step"], turn.attempt["answer"],
                                     turn.attempt["correct"], turn.attempt["try"],
                                     position.hints.get(turn.attempt["step"], 0), seconds)
                row.asked_at = now  # the next try is timed from this feedback
            messages.append(self._message(turn))
            if turn.run:
                messages.append(self._queue(session, learner, row, turn.run))
        asking = engine.waiting_for(lesson, position) == "answer"
        if asking and (position.step_id != before or row.asked_at is None):
            row.asked_at = now
        positions.save(session, row, position, now)
        messages.append(Message(data=LessonState(
            lesson_id=lesson.id, title=lesson.title, step=positions.step_number(lesson, position),
            steps=len(lesson.steps), finished=position.finished)))
        if position.finished:
            messages.append(Message(buttons=self.list_lessons(session, learner).messages[0].buttons,
                                    text="What next? Pick another lesson, or ask \"how am I doing?\"."))
        return Reply(messages, asking=asking)

    def _queue(self, session: Session, learner: Learner, row: LessonProgress, run: dict[str, Any]) -> Message:
        """Queue a run step's training the way chat commands do (jobs.service validates it)."""
        try:
            job = service.enqueue(session, learner, row.conversation_id, run["skill"], run["params"])
        except (ValidationError, KeyError):
            # The lesson check holds lessons to their skills' bounds, so only a skill changed
            # under a running service gets here: say so instead of queueing a job that must fail.
            log.exception("lesson %s: could not queue %s with %s", row.lesson_id, run["skill"], run["params"])
            return Message("This step's training can't start with the lesson's settings, so I've "
                           "left it out. Say \"skip\" to move on, and do tell the course staff.")
        row.job_id = job.id
        return Message(f"Job #{job.id} is queued; I'll show its progress and carry on with the lesson "
                       "when it finishes.", data=service.job_card(job))

    def _message(self, turn: Turn) -> Message:
        buttons = [_engine_button(b) for b in turn.buttons]
        text = reflow(turn.text)
        image = turn.image
        if image and image.startswith("images/"):
            image = f"{self.public_base_url}/lesson-images/{image.removeprefix('images/')}"
        return Message(text, buttons, image=image)

    def _no_lesson(self, session, learner, lead: str) -> Reply:
        reply = self.list_lessons(session, learner)
        first = reply.messages[0]
        first.text = f"{lead} {first.text}"
        return reply

    def _number(self, lesson: Lesson) -> int:
        ids = [known.id for known in self.library.ordered()]
        return ids.index(lesson.id) + 1 if lesson.id in ids else 0

    def _status_note(self, lesson: Lesson, row: LessonProgress | None) -> str:
        if row is None:
            return ""
        if row.status is LessonStatus.completed:
            return " ✓ done"
        position = positions.load(row)
        if position is None or not positions.valid(lesson, position):
            return " (started)"
        where = f"step {positions.step_number(lesson, position)} of {len(lesson.steps)}"
        return f" ▶ you're here, {where}" if row.status is LessonStatus.active else f" (paused at {where})"

    def _suggested(self, lessons: list[Lesson], rows: dict[str, LessonProgress]):
        picks = [("Resume", lesson) for lesson in lessons if lesson.id in rows
                 and rows[lesson.id].status in (LessonStatus.active, LessonStatus.paused,
                                                LessonStatus.quit)][:1]
        fresh = [lesson for lesson in lessons if lesson.id not in rows]
        picks += [("Start", lesson) for lesson in fresh[:3 - len(picks)]]
        return picks

    def _missing_prerequisites(self, lesson: Lesson, rows: dict[str, LessonProgress]) -> str | None:
        missing = [self.library.get(p) for p in lesson.prerequisites
                   if rows.get(p) is None or rows[p].completed_at is None]
        names = [f"**{m.title}**" for m in missing if m is not None]
        if not names:
            return None
        return (f"Heads-up: this lesson builds on {', '.join(names)}, which you haven't finished. "
                "You can go ahead anyway, or say \"quit lesson\" and do that first.")


def _engine_button(button: dict[str, str]) -> Button:
    """The engine's {"title", "payload"} buttons carry "next" or the answer they give."""
    if button["payload"] == engine.NEXT:
        return Button(button["title"], "next")
    return Button(button["title"], "answer", button["payload"])


def _accepts(step: object, text: str) -> bool:
    """An option of a multiple choice, or a right short answer."""
    return (isinstance(step, ChoiceAsk) and step.option_for(text) is not None) or \
        (isinstance(step, ShortAsk) and step.accepts(text))
