"""The minimal web chat page and its bundled script (built from web/ by npm, no CDN)."""

import json
from string import Template

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SettingsDep

router = APIRouter(tags=["chat"])


@router.get("/", response_class=HTMLResponse)
def chat_page(settings: SettingsDep) -> str:
    page = Template((settings.web_dir / "src" / "index.html").read_text())
    config = json.dumps({"socketUrl": settings.chat_socket_url})
    return page.substitute(config=config.replace("<", "\\u003c"))


@router.get("/static/chat.js")
def chat_script(settings: SettingsDep) -> FileResponse:
    bundle = settings.web_dir / "dist" / "chat.js"
    if not bundle.is_file():
        raise HTTPException(status_code=404, detail="The chat bundle is not built; run `make web`.")
    return FileResponse(bundle, media_type="text/javascript")
