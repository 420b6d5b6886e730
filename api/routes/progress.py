"""The learner's own progress chart: `/progress/{learner public id}/chart.png`.

Public like artifact URLs: the id is an unguessable uuid hex (Learner.public_id), so the link the
chat gives a learner opens without a login and nobody can walk other learners' charts by number.
"""

from fastapi import APIRouter, HTTPException, Response

from api.deps import LessonsDep, SessionDep
from curriculum.reports import learner_summary
from db.reports import find_learner

router = APIRouter(tags=["progress"])


@router.get("/progress/{public_id}/chart.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "The chart (PNG)."},
                       404: {"description": "No learner has this id."}})
def progress_chart(public_id: str, session: SessionDep, lessons: LessonsDep) -> Response:
    """One bar per lesson (how far the learner got) and their first-try quiz accuracy. Drawn
    fresh each time and never cached, so the chart is current after every lesson step."""
    # Imported here: matplotlib loads when a chart is first asked for, not when the API starts.
    from tutor.progress_chart import render_progress_chart

    learner = find_learner(session, public_id)
    if learner is None:
        raise HTTPException(status_code=404, detail="No such learner.")
    png = render_progress_chart(learner_summary(session, learner.id, lessons))
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
