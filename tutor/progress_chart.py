"""The learner's progress chart: one row per lesson, how far they got and how often their first
answer was right. A PNG drawn with matplotlib's headless Agg backend (house style: skills/plots.py).

Takes a curriculum.reports.LearnerSummary (anything with the same fields works); no database or web code.
"""

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (backend must be chosen first)
from matplotlib.patches import Patch  # noqa: E402

DONE = "#2f9e44"
IN_PROGRESS = "#1c7ed6"
ACCURACY = "#f08c00"
TRACK = "#e9ecef"
NOT_STARTED = "not started"  # curriculum.reports' status for a lesson the learner has not opened


def _note(lesson) -> str:
    """What the bar means, in words: completed, where they are, or not started."""
    where = f"step {lesson.step_number or '?'} of {lesson.steps}"
    if lesson.ever_completed:
        return "✓ completed" if lesson.done == 1.0 else f"✓ completed · retaking, {where}"
    if lesson.status == NOT_STARTED:
        return NOT_STARTED
    note = f"{100 * lesson.done:.0f}% · {where}"
    return note + (f" ({lesson.status})" if lesson.status in ("paused", "quit") else "")


def render_progress_chart(summary) -> bytes:
    """PNG bytes: per lesson a progress bar (full, green and labelled "completed" once the lesson
    was completed, also while it is taken again) and, below it, a thinner bar for first-try quiz
    accuracy; lessons not started say so instead of showing an empty bar that reads as 0 %."""
    lessons = summary.lessons
    rows = max(len(lessons), 1)
    height = 1.5 + 0.62 * rows
    fig = Figure(figsize=(9, height), dpi=100)
    ax = fig.add_subplot()

    # Lesson 1 at the top: row i sits at y = -i.
    labels, ticks = [], []
    for i, lesson in enumerate(lessons):
        y = -i
        ticks.append(y)
        labels.append(textwrap.shorten(f"{i + 1}. {lesson.title}", width=40, placeholder="…"))
        ax.barh(y + 0.14, 100, height=0.34, color=TRACK, zorder=1)
        done = 100.0 if lesson.ever_completed else 100 * lesson.done
        ax.barh(y + 0.14, done, height=0.34, color=DONE if lesson.ever_completed else IN_PROGRESS,
                zorder=2)
        ax.text(102, y + 0.14, _note(lesson), va="center", fontsize=8.5)
        if lesson.first_try_pct is not None:
            ax.barh(y - 0.2, lesson.first_try_pct, height=0.18, color=ACCURACY, zorder=2)
            ax.text(102, y - 0.2, f"{lesson.first_try_pct:.0f}% right first time "
                    f"({lesson.first_try_correct}/{lesson.answered})",
                    va="center", fontsize=7.5, color="#7a4a00")
        elif lesson.questions and lesson.status != NOT_STARTED:
            ax.text(1, y - 0.2, "no quiz answers yet", va="center", fontsize=7.5, color="#868e96")

    ax.set_yticks(ticks, labels, fontsize=9)
    ax.set_ylim(-rows + 0.45, 0.6)
    ax.set_xlim(0, 160)  # 100-160 holds the notes
    ax.set_xticks(range(0, 101, 25), [f"{x}%" for x in range(0, 101, 25)])
    ax.set_xlabel("share of the lesson done  ·  share of quiz questions right on the first try")
    ax.vlines(range(25, 101, 25), -rows + 0.45, 0.6, color="#adb5bd", linewidth=0.6, alpha=0.5,
              zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 100)

    accuracy = ("no quiz answers yet" if summary.first_try_pct is None
                else f"{summary.first_try_pct:.0f}% of quiz questions right first time")
    ax.set_title(f"Your progress: {summary.completed} of {len(lessons)} lessons completed, "
                 f"{accuracy}", fontsize=11)
    fig.legend(handles=[Patch(color=DONE, label="lesson completed"),
                        Patch(color=IN_PROGRESS, label="lesson in progress"),
                        Patch(color=ACCURACY, label="first-try quiz accuracy")],
               loc="lower center", ncols=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
