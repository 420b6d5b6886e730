"""A learner's lesson turn: read their progress, move the engine, store what happened, and say it.

The chat actions (actions/lessons.py) only translate between Rasa and this module; the engine
(curriculum.engine) only knows lessons. This module joins the two with the database: it loads
the learner's Position (curriculum.positions), stores it and every quiz attempt after each turn,
and queues run steps as jobs (curriculum.trainings) whose results come back through
`job_finished`. What it says is channel-neutral (curriculum.replies); texts about the whole
course live in curriculum.course, and which lesson "the third one" is in curriculum.lookup.

Lessons are read from a LessonLibrary at every turn, so an edited lesson file applies to the next
message without a restart. A learner whose current step vanished in an edit starts that lesson
again, and is told so.
"""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from curriculum import course, engine, positions, trainings
from curriculum.answers import gives_away
from curriculum.engine import Position, Turn
from curriculum.library import LessonLibrary
from curriculum.lookup import find_lesson
from curriculum.model import AskStep, ChoiceAsk, Lesson, ShortAsk
from curriculum.replies import Button, Message, Reply, from_turn
from curriculum.reports import learner_summary
from db import progress as store
from db.models import Job, JobStatus, Learner, LessonProgress, LessonStatus, utcnow
from tutor.payloads import LessonState

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
        return Reply([course.lesson_list(self.library.ordered(), store.lesson_rows(session, learner))])

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
        notes = [course.missing_prerequisites(lesson, lessons, rows)]
        position = positions.load(row)
        resumable = (previous is not None and previous.status is not LessonStatus.completed
                     and position is not None and positions.valid(lesson, position))
        if resumable:
            notes.append(f"Welcome back to **{lesson.title}**. We were at step "
                         f"{positions.step_number(lesson, position)} of {len(lesson.steps)}.")
            turns = trainings.unless_running(session, row, lesson, position, engine.present)
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

    def answer(self, session: Session, learner: Learner, text: str, step_id: str | None = None,
               try_number: int | None = None) -> Reply:
        """A typed or clicked answer; a click names its step and try, so a double click counts once."""
        now = self.clock().timestamp()
        return self._turn(session, learner, lambda lesson, position: engine.answer(
            lesson, position, text, step_id=step_id, try_number=try_number, now=now))

    def reveal(self, session: Session, learner: Learner) -> Reply:
        return self._turn(session, learner, engine.reveal)

    def where(self, session: Session, learner: Learner) -> Reply:
        row = store.active_lesson(session, learner) or store.latest_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        if row is None or lesson is None:
            return self._no_lesson(session, learner, "You haven't started a lesson yet.")
        position = positions.load(row)
        # "remind me where I left off last week": with no lesson open, the course so far too
        so_far = (course.progress_line(learner_summary(session, learner.id, self.library.ordered()))
                  if row.status is not LessonStatus.active else "")
        if row.status is LessonStatus.completed:
            return Reply([Message(f"You finished **{lesson.title}** last. {so_far} Want another one?",
                                  self.list_lessons(session, learner).messages[0].buttons)])
        if row.status is not LessonStatus.active:
            return Reply([Message(f"You were in **{lesson.title}**, at step "
                                  f"{positions.step_number(lesson, position)} of {len(lesson.steps)}. {so_far}",
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
        step = positions.step_number(lesson, positions.load(row))
        return Reply([Message(
            f"Okay, I've left **{lesson.title}** at step {step} of "
            f"{len(lesson.steps)}. Your progress is saved: say \"start lesson "
            f"{course.number(self.library.ordered(), lesson)}\" to pick it up again.",
            [Button("Show all lessons", "list_lessons")]),
            # The lesson is over for this conversation: the widget's top-bar chip leaves.
            Message(data=LessonState(lesson_id=lesson.id, title=lesson.title, step=step,
                                     steps=len(lesson.steps), finished=True))])

    # ---- a message while a question is open -------------------------------------------------
    # The chat side decides, in this order: a free question the FAQ brain can answer
    # (`free_question`), a command its language understanding is sure of and that
    # `may_be_command` allows, else an answer (`answer`). Curriculum knows the question, not NLU.

    def free_question(self, session: Session, learner: Learner, text: str,
                      faq_answer: Callable[[str], Any],
                      answer_text: Callable[[Any], str] = str) -> tuple[Reply, Any] | None:
        """(the open question again, the FAQ answer to show first) when the text reads like a
        question, isn't an accepted answer and `faq_answer` knows the answer; else None. No try
        is used up. An FAQ answer whose text (`answer_text`) would give the open quiz question's
        answer away is held back: (the question again, None)."""
        found = self._open_question(session, learner)
        if found is None or not QUESTION.search(text) or engine.asks_for_answer(text):
            return None
        row, lesson, position = found
        step = lesson.step(position.step_id)
        if _accepts(step, text):
            return None
        answer = faq_answer(text)
        if answer is None:
            return None
        if isinstance(step, AskStep) and gives_away(step, answer_text(answer)):
            held = Message("That's a good question, and its answer would give this quiz away, so "
                           "ask me again once you've answered it. Back to the lesson:")
            return self._move(session, learner, row, lesson, engine.present, [held]), None
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
        if not isinstance(step, AskStep) or _accepts(step, text) or engine.asks_for_answer(text):
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

    def _open_question(self, session: Session,
                       learner: Learner) -> tuple[LessonProgress, Lesson, Position] | None:
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
        chart = f"{self.public_base_url}/progress/{learner.public_id}/chart.png"
        return Reply([course.progress_message(summary), Message(image=chart)])

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

    def _turn(self, session: Session, learner: Learner, move: trainings.Move) -> Reply:
        row = store.active_lesson(session, learner)
        lesson = self.library.get(row.lesson_id) if row else None
        if row is None or lesson is None:
            return self._no_lesson(session, learner, "You're not in a lesson right now.")
        return self._move(session, learner, row, lesson, move, [])

    def _move(self, session: Session, learner: Learner, row: LessonProgress, lesson: Lesson,
              move: trainings.Move, intro: list[Message] | None = None) -> Reply:
        intro = list(intro or [])
        position = positions.load(row)
        if position is None or not positions.valid(lesson, position):
            intro = intro + [Message(f"**{lesson.title}** was changed by the course staff since "
                                     "your last visit, so we start it again from the top.")]
            position, turns = engine.start(lesson)
            row.job_id = None
        else:
            turns = trainings.unless_running(session, row, lesson, position, move)
            if turns is None:
                return Reply(intro + [Message(
                    f"Your training (job #{row.job_id}) is still going; the lesson carries on as "
                    "soon as it's done. Say \"skip\" to move on now.")])
        return self._finish(session, learner, row, lesson, position, turns, intro)

    def _finish(self, session: Session, learner: Learner, row: LessonProgress, lesson: Lesson,
                position: Position, turns: list[Turn], intro: list[Message]) -> Reply:
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
            messages.append(from_turn(turn, self.public_base_url))
            if turn.run:
                messages.append(trainings.queue(session, learner, row, turn.run))
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

    def _no_lesson(self, session: Session, learner: Learner, lead: str) -> Reply:
        reply = self.list_lessons(session, learner)
        first = reply.messages[0]
        first.text = f"{lead} {first.text}"
        return reply


def _accepts(step: object, text: str) -> bool:
    """An option of a multiple choice, or a right short answer."""
    return (isinstance(step, ChoiceAsk) and step.option_for(text) is not None) or \
        (isinstance(step, ShortAsk) and step.accepts(text))
