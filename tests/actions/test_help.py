"""'What can you do?' is written from the skill specs, so it lists every skill there is."""

from actions.help import ASK, ActionHelp, help_text
from skills import registry
from tests.actions.conftest import texts, tracker_for


def test_help_names_every_declared_skill_by_its_title_and_how_to_ask_for_it():
    text = help_text()
    for name, spec in registry.specs().items():
        assert f"**{spec.title}**" in text and ASK[name] in text, name


def test_every_declared_skill_has_words_to_ask_for_it_and_no_skill_is_made_up():
    assert set(ASK) == set(registry.names())


def test_help_says_what_each_skill_reports_and_which_settings_chat_reads():
    text = help_text()
    assert "**image classifier (digits)**: \"train a CNN on the digits\"; reports: validation accuracy" in text
    assert "you can set epochs, model, dataset, dropout, augmentation" in text
    assert "Right now I can train the book's first model" not in text


def test_help_action_sends_the_generated_text_with_starter_buttons(dispatcher):
    ActionHelp().run(dispatcher, tracker_for("what can you do?", intent="help"), {})
    assert texts(dispatcher) == help_text()
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/train_neuron", "/train_vision",
                                                                       "/train_timeseries"]
