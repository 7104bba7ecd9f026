# The habitual commands. Each one sets up .venv first if pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup shell test lint format bench eval train clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# issue 13: setup also trains the model (once; again only when the data changed), so the
# first `make shell` starts in seconds
setup: $(STAMP)
	@$(BIN)/python -c "from bot.settings import load_settings; from bot.knowledge import load_knowledge; from bot.nlu.engine import build_nlu; s = load_settings(); build_nlu(s, load_knowledge(s.coach_knowledge_dir))"

shell: setup  ## chat in the terminal (the main job without a Telegram token)
	$(BIN)/coach shell

test: setup  ## the whole test suite, on SQLite and PostgreSQL
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: setup
	$(BIN)/coach eval tests/data/eval.jsonl

train: setup
	$(BIN)/coach train

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
