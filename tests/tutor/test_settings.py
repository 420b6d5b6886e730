from tutor.settings import Settings


def test_settings_default_to_sqlite_under_var_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(var_dir=tmp_path)
    assert settings.db_url == f"sqlite:///{tmp_path / 'tutor.db'}"
    assert settings.tracker_store_url == f"sqlite:///{tmp_path / 'rasa_tracker.db'}"


def test_settings_database_url_env_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://tutor@db:5432/tutor")
    assert Settings().db_url == "postgresql://tutor@db:5432/tutor"


def test_settings_ports_and_public_url_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TUTOR_RASA_PORT", "6005")
    monkeypatch.setenv("TUTOR_PUBLIC_BASE_URL", "https://tutor.example/")
    settings = Settings()
    assert settings.rasa_url.endswith(":6005")
    assert settings.artifact_url("abc", "tfjs/model.json") == "https://tutor.example/artifacts/abc/tfjs/model.json"


def test_settings_child_env_rebuilds_the_same_settings(tmp_path, monkeypatch):
    original = Settings(var_dir=tmp_path, rasa_port=6111, actions_port=6222, api_port=6333,
                        public_base_url="http://x:6333", progress_min_interval=0.5)
    for key, value in original.child_env().items():
        monkeypatch.setenv(key, value)
    child = Settings()
    for field in ("var_dir", "db_url", "rasa_port", "actions_port", "api_port",
                  "public_base_url", "chat_socket_url", "progress_min_interval"):
        assert getattr(child, field) == getattr(original, field), field
    assert original.child_env()["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6222/webhook"
