"""Artifact downloads: `/artifacts/{job public id}/{path}`, e.g. `.../tfjs/model.json`.

Only files the database lists for that job are served, with the content type stored for them;
anything else is 404, so a path cannot reach outside the job's folder.
"""

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from api.deps import SessionDep, SettingsDep
from db import repository as repo
from jobs import artifacts as store

router = APIRouter(tags=["artifacts"])

DOWNLOAD_KINDS = {"tflite", "tfjs-zip"}  # saved as files; plots and the TF.js page open in the browser


@router.get("/artifacts/{job_public_id}/{path:path}")
def download(job_public_id: str, path: str, session: SessionDep, settings: SettingsDep) -> FileResponse:
    artifact = repo.find_artifact(session, job_public_id, path)
    file = store.resolve(settings, job_public_id, path) if artifact else None
    if artifact is None or file is None:
        raise HTTPException(status_code=404, detail="No such artifact.")
    return FileResponse(
        file,
        media_type=artifact.content_type,
        filename=file.name if artifact.kind in DOWNLOAD_KINDS else None,
        content_disposition_type="attachment" if artifact.kind in DOWNLOAD_KINDS else "inline",
    )
