# Two commands for a new machine: `make run` and `make test`.
# What is installed is what the lock files say (README "Dependencies"): requirements.txt for the chat,
# requirements-dev.lock (a superset) for tests and benchmarks, both with hashes, installed by uv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/uv/bin/uv
HOST ?= 127.0.0.1
PORT ?= 7860
# torch's CPU build (2.13.0+cpu) is not on PyPI: it comes from a wheel folder (here /opt/wheels) or from
# PyTorch's CPU index (TORCH_INDEX=https://download.pytorch.org/whl/cpu).
FIND_LINKS ?= $(wildcard /opt/wheels)
TORCH_INDEX ?=
UV_SOURCES := $(if $(FIND_LINKS),--find-links $(FIND_LINKS)) $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))

export OMP_NUM_THREADS ?= 2
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
# llama.cpp is compiled once when installed. A -march=native build picks up AMX on recent Xeons, whose tiles a
# sandboxed process may not be allowed to use (decode then segfaults); AVX2 runs everywhere we deploy.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: install install-dev lock model browser fonts ingest run serve test test-fast lint bench bench-quick clean-index

# uv itself, pinned with its hashes, in a venv of its own inside .venv (a sync never removes it).
$(UV): requirements-uv.lock
	test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	test -x $(VENV)/uv/bin/pip || $(PYTHON) -m venv $(VENV)/uv
	$(VENV)/uv/bin/pip install -q --require-hashes --no-deps -r requirements-uv.lock
	touch $(UV)

# `uv pip sync` makes the venv exactly the lock (removes what it does not name), then the project itself.
$(VENV)/.installed: requirements.txt pyproject.toml $(UV)
	$(UV) pip sync -q --python $(PY) --require-hashes $(UV_SOURCES) requirements.txt
	$(UV) pip install -q --python $(PY) --no-deps -e .
	rm -f $(VENV)/.installed-dev && touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml $(UV)
	$(UV) pip sync -q --python $(PY) --require-hashes $(UV_SOURCES) requirements-dev.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Regenerate the locks from pyproject.toml (after editing a version there); commit all three files.
lock: $(UV)
	$(UV) pip compile -q --no-header --generate-hashes --python-version 3.11 $(UV_SOURCES) \
		--extra models pyproject.toml -o requirements.txt
	$(UV) pip compile -q --no-header --generate-hashes --python-version 3.11 $(UV_SOURCES) \
		--extra models --extra dev -c requirements.txt pyproject.toml -o requirements-dev.lock

# The chat needs the runtime lock only; after `make test` the dev lock (a superset) already covers it.
model: $(if $(wildcard $(VENV)/.installed-dev),install-dev,install)
	$(PY) -c "from assistant.llm.weights import prepare_model_file; from assistant.settings import Settings; \
s = Settings(); print('model:', prepare_model_file(s.llm, s.cache_dir))"

# Debian's Chromium for the browser test (Playwright drives it; no browser is ever downloaded).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# A CJK font for the OCR tests, which render Chinese policy text to page images (fonts-wqy-zenhei).
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null)

ingest: install
	$(PY) -m assistant ingest

run: model
	$(PY) -m assistant serve --host $(HOST) --port $(PORT)

serve: run

lint: install-dev
	$(VENV)/bin/ruff check .

test: install-dev model browser fonts lint
	$(PY) -m pytest -q

# The quick loop: no real language model, no browser, no server processes.
test-fast: install-dev lint
	$(PY) -m pytest -q -m "not llm and not browser and not server"

bench: install-dev model
	$(PY) -m bench.run

bench-quick: install-dev model
	$(PY) -m bench.run --quick

clean-index:
	find index -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
