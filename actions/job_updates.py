"""Render a job's progress or result into the chat; run by Rasa on the worker's EXTERNAL_* intents.

Custom payloads go out as json_message={"data": payload}: Rasa 3.6's socket.io channel emits
`sio.emit(event, **json_message)`, so the socket client receives `payload` itself and the REST
channel returns it under `custom.data` (docs/decisions.md, D20).

A result is rendered until the learner's chat has shown it (jobs/delivery.py): the worker and a
reconnecting widget push it again until then, and once it is shown a late push renders nothing.
Each result card carries the job's public id as its `receipt`, which the widget acknowledges.

One rendering per result: the text and the card go out as one message, and the card carries the
words too (`text`), so the widget shows the card in place of the text bubble and Slack posts one
message. A failed run whose message suggests a fix gets a button that runs it with that fix.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.lessons import SLOT, render
from db import repository as repo
from db.models import Job, JobStatus
from jobs import delivery
from skills.run_review import retry_fix
from tutor.payloads import JobProgress, JobResult, as_json_message

log = logging.getLogger(__name__)


def _job_for(tracker: Tracker) -> Job | None:
    ids = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "job_id"]
    if not ids:
        return None
    with runtime.sessions()() as session:
        job = repo.get_job(session, int(ids[0]))
        if job is None or job.conversation_id != tracker.sender_id:
            return None
        return job


def _neuron_lines(result: dict) -> list[str]:
    m = result.get("metrics", {})
    return [f"weight = {m['weight']:.4f}, bias = {m['bias']:.4f}, prediction for x = 10: "
            f"{m['prediction_x10']:.4f}, final loss {m['final_loss']:.3g}, trained in "
            f"{m['train_seconds']:.2f} s."] if "weight" in m else []


def _table_lines(result: dict) -> list[str]:
    rows = result.get("table") or []
    return [f"- {row['model']}: MAE {row['mae']:.3f}" + (" (baseline)" if row.get("kind") == "baseline" else "")
            for row in rows]


def _generated_lines(result: dict) -> list[str]:
    return [f"\u201c{result['generated']}\u201d"] if result.get("generated") else []


def _tokens_lines(result: dict) -> list[str]:
    lines = []
    if "keras_tokens" in result:
        lines.append("Keras TextVectorization: " + " | ".join(result["keras_tokens"])
                     + f" -> ids {result.get('keras_ids')}")
    if "subword_pieces" in result:
        lines.append("sentencepiece subwords: " + " | ".join(result["subword_pieces"])
                     + f" -> ids {result.get('subword_ids')}")
    return lines


def _export_lines(result: dict) -> list[str]:
    return [f"The {row['variant']} variant could not be made: {row['error']}"
            for row in result.get("failed") or []]


# Skill-specific lines under the summary, read from the result payload.
DETAILS = {
    "hello_neuron": _neuron_lines,
    "timeseries": _table_lines,
    "textgen": _generated_lines,
    "tokenize": _tokens_lines,
    "export": _export_lines,
}
LABELS = {"tflite": "TFLite model", "tfjs": "TF.js model (model.json)", "model": "Keras model",
          "tfjs-page": "TF.js web page (index.html)",
          "tfjs-zip": "TF.js folder as a zip (model.json, weights, index.html, tf.min.js)",
          "serving": "TF Serving SavedModel (.tar.gz)"}
NOT_LISTED = {"plot", "validation-data"}  # plots are shown inline; validation data feeds exports
# Beside its page and zip, a bare model.json is useless to download (its weights are elsewhere).
HIDDEN_BY = {"tfjs": "tfjs-zip"}
# Channels whose messages wait for the learner: rendering the result there is showing it. The web
# widget acknowledges what it rendered instead (its socket.io room may have been empty).
KEEPS_MESSAGES = {"slack"}


def listed(result: dict) -> list[dict]:
    """The result's downloads: not plots (shown inline), not what a fuller download holds."""
    kinds = {a["kind"] for a in result.get("artifacts", [])}
    return [a for a in result.get("artifacts", [])
            if a["kind"] not in NOT_LISTED and HIDDEN_BY.get(a["kind"]) not in kinds]


def card_text(job: Job) -> str:
    """The result in words, as the card shows them (its downloads are the card's own list)."""
    result = job.result or {}
    lines = [f"Job #{job.id} is done. {result.get('summary', '')}".strip()]
    lines += DETAILS.get(job.skill, lambda _: [])(result)
    return "\n".join(lines)


def result_text(job: Job) -> str:
    """The card's words plus its downloads as links, for channels that show text (Slack, REST)."""
    files = listed(job.result or {})
    kinds = [a["kind"] for a in files]
    # A kind that appears once gets its friendly label; several (4 TFLite variants) their names.
    downloads = [f"[{LABELS.get(a['kind'], a['name']) if kinds.count(a['kind']) == 1 else a['name']}]({a['url']})"
                 for a in files]
    return card_text(job) + ("\nDownloads: " + " · ".join(downloads) if downloads else "")


def retry_button(job: Job) -> list[dict]:
    """"Retry with learning rate 0.01": the failed run's skill with the fix its message names."""
    fix = retry_fix(job.params or {}, job.error)
    return [{"title": fix[0], "payload": f'/retry_job{{"failed_job": "{job.id}"}}'}] if fix else []


class ActionJobProgress(Action):
    def name(self) -> str:
        return "action_job_progress"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        job = _job_for(tracker)
        if job is None or job.status is not JobStatus.running:
            return []
        percent = round(job.progress * 100)
        text = (f"Job #{job.id} has started training." if percent == 0 else
                f"Job #{job.id} is running: {job.progress_note or 'working'} ({percent}%).")
        dispatcher.utter_message(
            text=text,
            json_message=as_json_message(JobProgress(job_id=job.id, skill=job.skill,
                                                     progress=job.progress, note=job.progress_note)),
        )
        return []


class ActionJobResult(Action):
    def name(self) -> str:
        return "action_job_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        job = _job_for(tracker)
        if job is None or job.shown_at is not None:  # shown already: a late re-send says nothing
            return []
        self._show(dispatcher, job)
        if tracker.get_latest_input_channel() in KEEPS_MESSAGES:
            _mark_shown(job)
        return lesson_goes_on(dispatcher, job)

    @staticmethod
    def _show(dispatcher: CollectingDispatcher, job: Job) -> None:
        if job.status is JobStatus.succeeded:
            result = job.result or {}
            # The plots go before the card: the widget takes anything of a result whose card it
            # has shown as a re-sent copy (web/src/delivery.js), so a plot after it was dropped.
            for plot in (a["url"] for a in result.get("artifacts", []) if a["kind"] == "plot"):
                dispatcher.utter_message(image=plot)
            dispatcher.utter_message(text=result_text(job), json_message=as_json_message(JobResult.model_validate({
                **result,  # skill extras (generated text, tables) and the summary
                "type": "result", "job_id": job.id, "status": job.status.value, "text": card_text(job),
                "receipt": job.public_id})))
        elif job.status is JobStatus.cancelled:
            dispatcher.utter_message(
                text=f"Job #{job.id} was stopped. {job.error}",
                json_message=as_json_message(JobResult(job_id=job.id, status="cancelled", skill=job.skill,
                                                       error=job.error, receipt=job.public_id)),
            )
        elif job.status is JobStatus.failed:
            dispatcher.utter_message(
                text=f"Job #{job.id} didn't finish. {job.error}", buttons=retry_button(job),
                json_message=as_json_message(JobResult(job_id=job.id, status="failed", skill=job.skill,
                                                       error=job.error, receipt=job.public_id)),
            )


def _mark_shown(job: Job) -> None:
    """A channel that keeps its messages (Slack) shows the result whenever the learner looks."""
    try:
        with runtime.sessions()() as session:
            delivery.mark_shown(session, job.conversation_id, [job.public_id])
            session.commit()
    except SQLAlchemyError:  # the result stays owed and is sent again: better twice than never
        log.exception("could not mark job %s's result shown", job.id)


def lesson_goes_on(dispatcher: CollectingDispatcher, job: Job) -> list[dict[str, Any]]:
    """A lesson waiting for this training carries on; a database hiccup here must not cost the
    learner the result they were just shown (the lesson then waits, and "repeat" re-runs it)."""
    try:
        with runtime.sessions()() as session:
            reply = runtime.tutoring().job_finished(session, repo.get_job(session, job.id))
            session.commit()
    except SQLAlchemyError:
        log.exception("could not continue the lesson after job %s", job.id)
        return []
    if reply is None:
        return []
    render(dispatcher, reply)
    return [SlotSet(SLOT, reply.asking)]
