# Two commands: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test lint demo bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: ember needs Python 3.11+"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,plot,onnx,export]'
	@touch $(STAMP)

lint: venv
	$(BIN)/ruff check ember tests bench examples
	$(BIN)/ruff format --check ember tests bench examples

test: lint
	KERAS_BACKEND=jax $(BIN)/python -m pytest -q -n 2

demo: venv
	$(BIN)/python examples/demo.py

bench: venv
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
