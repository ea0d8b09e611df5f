# The two commands a newcomer needs: `make run` (the hotline on the embedded defaults) and
# `make test` (every test). Both create the virtual environment on first use.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install migrate seed audio check clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

## audio: render everything a call says before the hotline answers one: the prompts, the checks'
## words and every directory row (Kyrgyz offline with espeak-ng, from the espeakng-loader wheel), with
## a progress bar; unchanged words are never rendered again (the next `make run` takes a second). What
## fails is listed and does not stop `make run`: a call then says a short Kyrgyz prompt and sends
## those words by SMS, never Kyrgyz read by a Russian voice, until the worker renders them.
audio: seed
	-$(BIN)/flask audio build

## run: migrate, seed, render all the audio, then the web server, a Celery worker and beat (Ctrl-C stops all)
run: seed audio
	@echo "Hotline on http://127.0.0.1:$(PORT)/  (health: http://127.0.0.1:$(PORT)/healthz)"
	@echo "Twilio voice webhook: POST http://127.0.0.1:$(PORT)/twilio/voice"
	@echo "Operator console: http://127.0.0.1:$(PORT)/console/  (the first administrator: FLASK_APP=wsgi $(BIN)/flask operator create NAME --role admin)"
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) $(BIN)/honcho start -f Procfile  # the Procfile names the venv's programs

## test: install the test dependencies and run the whole suite
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var/ .pytest_cache
