"""Where job files live on disk and how their download URLs are built.

Files sit under `<artifacts_dir>/<job public id>/`, so a TF.js model.json finds its weight
shards by relative URL, and a URL cannot be guessed from a job number.
"""

import mimetypes
from pathlib import Path

from tutor.settings import Settings

CONTENT_TYPES = {
    ".tflite": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".json": "application/json",
    ".png": "image/png",
}


def job_dir(settings: Settings, job_public_id: str) -> Path:
    return settings.artifacts_dir / job_public_id


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def resolve(settings: Settings, job_public_id: str, relative: str) -> Path | None:
    """The file for a download request, or None if it is outside the job's folder or missing."""
    base = job_dir(settings, job_public_id).resolve()
    candidate = (base / relative).resolve()
    if base not in candidate.parents or not candidate.is_file():
        return None
    return candidate
