"""understanding/language.py: another language is told from English by its function words."""

import pytest

from understanding.language import foreign


@pytest.mark.parametrize("text", [
    "Wie trainiere ich ein Modell mit Keras?",
    "¿Cómo puedo entrenar una red neuronal para imágenes?",
    "Comment est-ce que je peux entraîner un modèle?",
    "Come posso addestrare una rete neurale per le immagini?",
    "Como eu treino uma rede neural? Não entendi",
])
def test_foreign_reads_german_spanish_french_italian_and_portuguese(text):
    assert foreign(text)


@pytest.mark.parametrize("text", [
    "what is the loss per epoch",  # "per" is English here
    "non linear activation on os x",
    "my loss is nan after 3 epochs",
    "train a cnn con dropout",  # one foreign-looking word is no language
    "hola",  # too short to tell
    "x" * 5000,
])
def test_foreign_leaves_english_ml_words_and_short_messages_alone(text):
    assert not foreign(text)
