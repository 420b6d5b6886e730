import os

from tutor.staff_token import staff_link, with_staff_token


def test_staff_token_is_made_once_stored_owner_only_and_reused(make_settings):
    settings = make_settings()
    first, stored = with_staff_token(settings)
    path = settings.var_dir / "staff_token"
    assert stored and len(first.staff_token) >= 32
    assert os.stat(path).st_mode & 0o777 == 0o600
    again, _ = with_staff_token(make_settings())
    assert again.staff_token == first.staff_token


def test_staff_token_from_the_environment_wins_and_nothing_is_written(make_settings):
    settings, stored = with_staff_token(make_settings(staff_token="set-by-staff"))
    assert settings.staff_token == "set-by-staff" and not stored
    assert not (settings.var_dir / "staff_token").exists()


def test_staff_link_carries_the_token_in_the_fragment_never_sent_to_the_server(make_settings):
    settings = make_settings(public_base_url="https://tutor.example/", staff_token="abc")
    assert staff_link(settings) == "https://tutor.example/staff-ui#token=abc"
