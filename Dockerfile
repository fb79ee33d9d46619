# Annolake image: one image for web (gunicorn), worker and beat (Celery) and migrations.
#
#   docker build -t annolake .
#   docker run --rm -e SECRET_KEY=... -p 8000:8000 annolake            # web (default)
#   docker run --rm ... annolake celery -A annolake worker --loglevel=info
#
# Stage 1 builds the SPA (frontend/dist); stage 2 installs the Python dependencies declared in
# pyproject.toml into a virtualenv; stage 3 is the slim runtime, running as a non-root user.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- 1. frontend ----------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src/frontend
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build

# --- 2. Python dependencies -----------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS python-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Only pyproject.toml here, so this layer is rebuilt when dependencies change, not on every
# source edit. [project.dependencies] is the single list of runtime dependencies.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && pip install -r requirements.txt

# --- 3. runtime -----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# The code runs from the source tree in /app (PYTHONPATH), not from site-packages: settings
# resolve frontend/dist, var/ and the apps' templates/migrations relative to the checkout.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=annolake.settings \
    ANNOLAKE_VAR_DIR=/app/var

RUN groupadd --system --gid 10001 annolake \
 && useradd --system --uid 10001 --gid annolake --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin annolake

COPY --from=python-deps /opt/venv /opt/venv

WORKDIR /app
# Code and assets stay owned by root (read-only for the app user); only var/ is writable.
COPY . /app
COPY --from=frontend /src/frontend/dist /app/frontend/dist

# `check` fails the build on broken settings or imports. Then admin / DRF static files go into
# STATIC_ROOT (var/static), served by WhiteNoise, when django.contrib.staticfiles is installed.
# Settings are imported in their embedded (DEBUG) mode here: no database or secret is needed.
RUN chmod 0755 /app/docker/entrypoint.sh \
 && python manage.py check \
 && if python manage.py help --commands | grep -qx collectstatic; then \
      python manage.py collectstatic --noinput; \
    fi \
 && python -m compileall -q /app/annolake /app/core /app/labeling /app/datasets \
 && mkdir -p /app/var \
 && chown -R annolake:annolake /app/var

USER annolake
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
