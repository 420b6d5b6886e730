"""One real Tutor stack with Slack switched on, pointed at a local fake Slack, for all Slack tests."""

import pytest

from tests.slack.fake_slack import FakeSlack


@pytest.fixture(scope="session")
def fake_slack():
    # Echo the bot's own messages back as message.im events, as real Slack does.
    with FakeSlack(echo_bot_messages=True) as fake:
        yield fake


@pytest.fixture(scope="session")
def slack_stack(tmp_path_factory, fake_slack):
    from tutor.supervisor import Stack, isolated_settings

    settings = isolated_settings(
        tmp_path_factory.mktemp("slack") / "var",
        slack_bot_token=fake_slack.token,
        slack_signing_secret=fake_slack.signing_secret,
        slack_api_url=fake_slack.api_url,
    )
    with Stack(settings) as running:
        fake_slack.webhook_url = f"{running.settings.rasa_url}/webhooks/slack/webhook"
        yield running


@pytest.fixture(scope="session")
def slack_db(slack_stack):
    from db.engine import make_engine, make_session_factory

    engine = make_engine(slack_stack.settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()
