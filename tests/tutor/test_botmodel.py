import shutil

from tests.conftest import ROOT
from tutor.botmodel import bot_hash


def test_bot_hash_is_stable_and_changes_with_training_data(tmp_path):
    bot = tmp_path / "bot"
    shutil.copytree(ROOT / "bot", bot, ignore=shutil.ignore_patterns(".rasa", "results"))
    first = bot_hash(bot)
    assert bot_hash(bot) == first
    nlu = bot / "data" / "nlu.yml"
    nlu.write_text(nlu.read_text() + "\n      - hey hey\n")
    assert bot_hash(bot) != first


def test_bot_hash_ignores_files_rasa_does_not_train_from(tmp_path):
    bot = tmp_path / "bot"
    shutil.copytree(ROOT / "bot", bot, ignore=shutil.ignore_patterns(".rasa", "results"))
    first = bot_hash(bot)
    (bot / "credentials.yml").write_text("rest:\n")
    (bot / "tests" / "test_stories.yml").write_text("version: '3.1'\n")
    assert bot_hash(bot) == first
