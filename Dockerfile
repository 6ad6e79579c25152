# The service image: API + pages, the worker and the CLI share it.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 \
    libpango-1.0-0 libpangoft2-1.0-0 poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY models models
COPY approvals approvals
COPY documents documents
COPY mail mail
COPY storage storage
COPY exchange_adapters exchange_adapters
COPY flows flows
COPY api api
COPY simulator simulator
COPY cli cli
COPY migrations migrations
COPY templates templates
RUN pip install --no-cache-dir -e .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
ENV EIA_FORWARDED_ALLOW_IPS=127.0.0.1 API_PROCESSES=2
# Behind a TLS proxy: X-Forwarded-Proto/-For are trusted from EIA_FORWARDED_ALLOW_IPS only.
# API_PROCESSES uvicorn processes share the port (one per core).
CMD ["sh", "-c", "exec uvicorn api.asgi:app --host 0.0.0.0 --port 8000 --workers \"$API_PROCESSES\" --proxy-headers --forwarded-allow-ips \"$EIA_FORWARDED_ALLOW_IPS\""]
