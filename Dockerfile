# Waypoint in a container.
#
#   docker build -t waypoint .
#   docker run -d --name waypoint --restart unless-stopped \
#       -e BOT_TOKEN=123456:ABC... -v waypoint-data:/data -v waypoint-content:/app/content waypoint
#
# Long polling needs no ports; webhook mode (WEBHOOK_URL) listens on WEBHOOK_PORT (8443) behind
# an HTTPS proxy: publish it then. No secrets in the image: BOT_TOKEN (and HASH_SECRET_FILE,
# WEBHOOK_SECRET, ADMIN_IDS, ...) come from the environment at run time. /data holds the SQLite file and the generated
# hash secret; keep it on a volume, owned by uid 10001.
#
# Layout: the code runs from source in /app (bot/, content/ and locales/ side by side), with
# only the *dependencies* installed in /opt/venv. bot/i18n.py finds the catalogs at
# Path(__file__).parent.parent / "locales", so a copy of `bot` installed in site-packages
# would look for /opt/venv/lib/python3.11/locales and silently fall back to English.
# Installing the dependencies alone (read from pyproject.toml, so it stays the one list) and
# putting /app on PYTHONPATH means there is exactly one `bot` to import, whatever the working
# directory.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: dependencies into /opt/venv, translation catalogs compiled ----------------------
FROM ${PYTHON_IMAGE} AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A venv without its own pip/setuptools (~25 MB): the base image's pip installs into it.
RUN python -m venv --without-pip /opt/venv

WORKDIR /src

# Only pyproject.toml first, so editing code or content does not reinstall the dependencies.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip --python /opt/venv/bin/python install --no-cache-dir -r requirements.txt

# .mo files are not in git (and are excluded by .dockerignore): compile them here.
COPY locales/ locales/
RUN /opt/venv/bin/pybabel compile -d locales -D messages --statistics

# ---- runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    CONTENT_DIR=/app/content \
    DATA_DIR=/data

RUN groupadd --system --gid 10001 waypoint \
    && useradd --system --uid 10001 --gid waypoint --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin waypoint \
    && install -d -o waypoint -g waypoint -m 0700 /data

WORKDIR /app

COPY --from=build /opt/venv /opt/venv
# The .po files must ship too: available_locales() lists languages by their .po files; the
# .mo (compiled after the .po, so newer) is what actually gets loaded.
COPY --from=build /src/locales/ locales/
COPY bot/ bot/
# The content is the bot's own: it reloads it live and admins may replace files from Telegram
# (docs/admins.md). Mounted as a volume (-v waypoint-content:/app/content), a new named volume
# starts as this copy, with this owner, so updating a listing never needs a rebuild.
COPY --chown=waypoint:waypoint content/ content/

# Code stays root-owned and read-only to the bot; only /data and the content are writable.
USER waypoint

# A broken content folder (or unreadable files) fails the build, checked as the runtime user.
RUN python -m bot validate /app/content

VOLUME /data

CMD ["python", "-m", "bot", "run"]
