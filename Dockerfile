# aipm-companion: runs `aipm serve` (Slack HTTP mode on $PORT, Discord over the gateway, daily delivery).
# Build: docker build -t aipm-companion .   Run: docker run --env-file .env -p 3000:3000 -v aipm-data:/data aipm-companion
# On PostgreSQL, set AIPM_DATABASE_URL (it wins over AIPM_DB); compose.yaml runs two of these on one database.
FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY app ./app
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --upgrade pip && /opt/venv/bin/pip install .

FROM python:3.11-slim
# libpq for the PostgreSQL driver (psycopg), and pg_dump/pg_restore for `aipm db backup` on PostgreSQL.
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 aipm && mkdir -p /data && chown aipm /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY content ./content
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    AIPM_DB=/data/aipm.db \
    AIPM_CONTENT_DIR=/app/content \
    HOST=0.0.0.0 \
    PORT=3000
USER aipm
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/healthz', timeout=2)" || exit 1
RUN aipm content validate
CMD ["aipm", "serve"]
