"""Train the Rasa model only when the bot's data or config changed (cache by content hash)."""

import hashlib
import os
import subprocess
from pathlib import Path

from tutor.settings import Settings

BOT_INPUTS = ("config.yml", "domain.yml", "data")
ROOT = Path(__file__).resolve().parent.parent


def bot_hash(bot_dir: Path) -> str:
    """Hash of every file Rasa trains from, by relative path and content."""
    digest = hashlib.sha256()
    files = []
    for name in BOT_INPUTS:
        path = bot_dir / name
        files.extend(sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    for path in files:
        digest.update(path.relative_to(bot_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"tutor-{bot_hash(settings.bot_dir)}.tar.gz"


def rasa_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.child_env())
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                # The NLU pipeline's component (bot/understanding_component.py) imports the
                # project's packages; Rasa's CLI only adds its working directory, bot/.
                "PYTHONPATH": str(ROOT)})
    return env


def ensure_model(settings: Settings) -> tuple[Path, bool]:
    """Path of the model for the current bot files, and whether it had to be trained now."""
    target = model_path(settings)
    if target.exists():
        return target, False
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(settings.rasa_venv / "bin" / "rasa"), "train",
            "--config", str(settings.bot_dir / "config.yml"),
            "--domain", str(settings.bot_dir / "domain.yml"),
            "--data", str(settings.bot_dir / "data"),
            "--out", str(settings.models_dir),
            "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ],
        check=True,
        env=rasa_env(settings),
        cwd=settings.bot_dir,
    )
    for old in settings.models_dir.glob("tutor-*.tar.gz"):
        if old != target:
            old.unlink()
    return target, True
