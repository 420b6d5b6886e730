"""The registry collects every skill's SkillSpec; every other place reads specs, not lists."""

import subprocess
import sys

import pytest
from pydantic import BaseModel

from skills import registry
from skills.base import SkillResult

SPECS = list(registry.specs().values())


def test_registry_finds_the_books_skills_without_a_hand_kept_list():
    assert {"hello_neuron", "vision", "transfer", "sentiment", "textgen", "timeseries", "export",
            "sentiment_classify", "tokenize"} <= set(registry.names())
    assert set(registry.trainers()) == {"hello_neuron", "vision", "transfer", "sentiment", "textgen",
                                        "timeseries"}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_registered_skill_has_a_complete_spec(spec):
    assert spec.name and spec.title and spec.title == spec.title.strip()
    assert issubclass(spec.params, BaseModel)
    assert callable(spec.run) and spec.run.__annotations__.get("return") in (SkillResult, "SkillResult")
    if spec.key_metric is not None and spec.metrics:
        assert spec.key_metric[0] in spec.metrics
    if spec.trains_model:
        spec.params()  # every field has a default: "train a CNN" needs no settings
        assert spec.metrics and spec.key_metric is not None, "a training reports metrics"
        assert spec.export.task in ("regression", "classification")
        assert spec.export.input_kind in ("number", "image", "tokens", "window")
        assert spec.export.padding in ("pre", "post") and spec.export.page_title


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_numeric_skill_param_is_bounded(spec):
    for name, field in spec.params.model_fields.items():
        if field.annotation in (int, float):
            bounds = {type(m).__name__ for m in field.metadata}
            assert bounds & {"Ge", "Gt"} and bounds & {"Le", "Lt"}, f"{spec.name}.{name} is unbounded"


def test_registry_get_names_the_known_skills_for_an_unknown_one():
    with pytest.raises(KeyError, match="hello_neuron"):
        registry.get("no_such_skill")


def test_reading_the_registry_does_not_import_tensorflow():
    code = "import sys; from skills import registry; registry.specs(); print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
