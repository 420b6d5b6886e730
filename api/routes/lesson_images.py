"""Pictures in lessons: a say step's `image: images/<file>` is served from lessons/images/.

Only plain file names with an image suffix the lesson format allows are served, so a request
cannot reach outside that folder.
"""

import re

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from api.deps import SettingsDep
from curriculum.model import IMAGE_SUFFIXES

router = APIRouter(tags=["lessons"])
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@router.get("/lesson-images/{name}")
def lesson_image(name: str, settings: SettingsDep) -> FileResponse:
    folder = (settings.lessons_dir / "images").resolve()
    path = (folder / name).resolve()
    if not SAFE_NAME.match(name) or not name.lower().endswith(IMAGE_SUFFIXES) \
            or path.parent != folder or not path.is_file():
        raise HTTPException(status_code=404, detail="No such lesson image.")
    return FileResponse(path)
