# The bot's image. The model is trained at build time into /app/model (outside the data
# volume, readable by everyone); the process runs as the dedicated user `coach`, which owns
# the data volume /app/data.
#
# BASE is the Python 3.11 image (a municipality builds on python:3.11-slim as usual; CI,
# without a registry, on Debian 12 with Debian's Python 3.11: deploy/build-base.sh).
# PIP_ARGS lets a build without an index install from wheels put in deploy/wheels/
# (PIP_ARGS="--no-index"; scripts/ci_image.sh makes them with `pip wheel` on the host).
# The packages go into a venv (/opt/coach), so the same steps work on both bases. Two
# stages: the wheels stay in the first, and the dependencies' layer is rebuilt only when
# pyproject.toml changes.
ARG BASE=python:3.11-slim

FROM ${BASE} AS packages
ARG PIP_ARGS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/coach/bin:$PATH
COPY deploy/wheels/ /tmp/wheels/
COPY pyproject.toml README.md /src/
RUN python3 -m venv /opt/coach \
    && python3 -c "import tomllib; print('\n'.join(tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir ${PIP_ARGS} --find-links /tmp/wheels -r /tmp/requirements.txt
COPY bot /src/bot
COPY actions /src/actions
RUN pip install --no-cache-dir --no-deps ${PIP_ARGS} --find-links /tmp/wheels /src

FROM ${BASE}
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/coach/bin:$PATH \
    COACH_DATA_DIR=/app/data COACH_MODEL_DIR=/app/model \
    COACH_KNOWLEDGE_DIR=/app/knowledge COACH_NLU_DATA_DIR=/app/nlu_data
WORKDIR /app
COPY --from=packages /opt/coach /opt/coach
COPY knowledge ./knowledge
COPY nlu_data ./nlu_data
RUN coach train \
    && chmod -R a+rX /app \
    && useradd --system --uid 10001 --home-dir /app/data --no-create-home coach \
    && mkdir -p /app/data && chown coach:coach /app/data && chmod 0700 /app/data
USER coach
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')" || exit 1
CMD ["coach", "telegram", "--webhook", "--port", "8080"]
