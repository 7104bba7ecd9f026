FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY actions ./actions
COPY knowledge ./knowledge
COPY nlu_data ./nlu_data
RUN pip install --no-cache-dir -e . \
    && COACH_DATA_DIR=/app/data coach train
ENV COACH_DATA_DIR=/app/data COACH_MODEL_DIR=/app/data/model
USER nobody
