# modeltier webhook service: slim image, non-root user, health check.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY webhooks ./webhooks
COPY policies ./policies
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres,scale]"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 modeltier
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER modeltier
WORKDIR /home/modeltier
ENV MODELTIER_DATABASE_URL=sqlite:////home/modeltier/modeltier.sqlite3 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["modeltier", "serve", "--host", "0.0.0.0", "--port", "8000"]
