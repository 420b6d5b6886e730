"""The web chat page and its bundled assets (built from web/ by npm and esbuild, no CDN).

`/static/{name}` serves only files that esbuild wrote directly into web/dist/ with a known suffix
(chat.js, chat.css and their source maps), so no other path on the disk is reachable.
"""

import json
import re
from string import Template

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SettingsDep

router = APIRouter(tags=["chat"])

MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}
ASSET_NAME = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|map)$")


@router.get("/", response_class=HTMLResponse)
def chat_page(settings: SettingsDep) -> str:
    page = Template((settings.web_dir / "src" / "index.html").read_text())
    config = json.dumps({"socketUrl": settings.chat_socket_url})
    return page.substitute(config=config.replace("<", "\\u003c"))


@router.get("/static/{name}")
def chat_asset(name: str, settings: SettingsDep) -> FileResponse:
    if not ASSET_NAME.fullmatch(name):
        raise HTTPException(status_code=404, detail="No such file.")
    asset = settings.web_dir / "dist" / name
    if not asset.is_file():
        detail = "The chat bundle is not built; run `make web`." if name.startswith("chat.") else "No such file."
        raise HTTPException(status_code=404, detail=detail)
    # no-cache: the browser revalidates (ETag/Last-Modified), so a rebuilt bundle is picked up.
    return FileResponse(asset, media_type=MEDIA_TYPES[asset.suffix], headers={"Cache-Control": "no-cache"})
