# The bot's image. The model is trained at build time into /app/model (outside the data
# volume, readable by everyone); the process runs as the dedicated user `coach`, which owns
# the data volume /app/data.
#
# BASE is the Python 3.11 image (a municipality builds on python:3.11-slim as usual).
# PIP_ARGS lets a build without an index install from wheels put in deploy/wheels/
# (e.g. PIP_ARGS="--no-index"; .ci/run does that with `pip wheel` on the host).
ARG BASE=python:3.11-slim
FROM ${BASE}
ARG PIP_ARGS=""
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COACH_DATA_DIR=/app/data COACH_MODEL_DIR=/app/model \
    COACH_KNOWLEDGE_DIR=/app/knowledge COACH_NLU_DATA_DIR=/app/nlu_data
WORKDIR /app
COPY deploy/wheels/ /tmp/wheels/
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY actions ./actions
COPY knowledge ./knowledge
COPY nlu_data ./nlu_data
RUN python3 -m pip install --no-cache-dir ${PIP_ARGS} --find-links /tmp/wheels . \
    && rm -rf /tmp/wheels \
    && coach train \
    && chmod -R a+rX /app \
    && useradd --system --uid 10001 --home-dir /app/data --no-create-home coach \
    && mkdir -p /app/data && chown coach:coach /app/data && chmod 0700 /app/data
USER coach
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')" || exit 1
CMD ["coach", "telegram", "--webhook", "--port", "8080"]
