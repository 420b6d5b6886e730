from pathlib import Path

from tutor.services import rasa_argv


def test_rasa_allows_cross_origin_calls_from_the_public_origin_only(make_settings):
    argv = rasa_argv(make_settings(public_base_url="https://tutor.example:8443/course/"), Path("m"))
    assert argv[argv.index("--cors") + 1:argv.index("--cors") + 2] == ["https://tutor.example:8443"]
    assert "*" not in argv


def test_rasa_argv_never_holds_the_token(make_settings):
    argv = rasa_argv(make_settings(rasa_token="tok-123"), Path("m"))
    assert not any("tok-123" in part for part in argv)
    assert argv[1:3] == ["-m", "tutor.rasa_launch"]
