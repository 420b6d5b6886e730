"""Real exported models shared by the export tests (tests/skills/test_export*.py): each source
run is trained and exported once per session, whichever file asks first."""

import pytest

from skills import export

# ---- hello neuron: a regressor ---------------------------------------------------------------

@pytest.fixture(scope="session")
def neuron(tmp_path_factory):
    from skills import hello_neuron

    run_dir = tmp_path_factory.mktemp("neuron_run")
    hello_neuron.run(hello_neuron.Params(epochs=300), run_dir)
    out = tmp_path_factory.mktemp("neuron_export")
    reports = []
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="hello_neuron"), out,
                        lambda f, note: reports.append((f, note)))
    return result, run_dir, out, reports


# ---- digits CNN: an image classifier ---------------------------------------------------------

@pytest.fixture(scope="session")
def cnn(tmp_path_factory):
    from skills import vision

    run_dir = tmp_path_factory.mktemp("cnn_run")
    vision.run(vision.Params(model="cnn", epochs=4), run_dir)
    out = tmp_path_factory.mktemp("cnn_export")
    params = export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="vision", model_name="digits",
                           version=3)
    result = export.run(params, out)
    return result, run_dir, out


# ---- sentiment: token ids in ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def sentiment(tmp_path_factory):
    from skills import sentiment as skill

    run_dir = tmp_path_factory.mktemp("sentiment_run")
    skill.run(skill.Params(epochs=8), run_dir)
    out = tmp_path_factory.mktemp("sentiment_export")
    result = export.run(export.Params(source_job_id=1, model_dir=str(run_dir), source_skill="sentiment"), out)
    return result, run_dir, out
