from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep, SettingsDep
from tutor.restarts import read_public_states

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep, settings: SettingsDep) -> dict:
    """200 when the API can reach its database. Under `make run` it also shows each service's
    state and restart count, from the supervisor's var/services.json."""
    session.execute(text("SELECT 1"))
    services = read_public_states(settings.var_dir)
    return {"status": "ok", **({"services": services} if services is not None else {})}
