from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> dict:
    """200 when the API can reach its database."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
