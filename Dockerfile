# Production image: gunicorn serving perspectives.wsgi, the same image runs Celery worker/beat.
# Build: docker build -t perspectives .   Run the whole stack: docker compose up
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=perspectives.settings \
    WEB_CONCURRENCY=3

# WeasyPrint's native libraries and a font for the PDF documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .

# Static files are collected at build time (var/staticfiles, served by whitenoise). The settings
# only need placeholder values here: no database or Redis is contacted.
RUN SECRET_KEY=collectstatic-build-only \
    FIELD_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    SITE_URL=https://build.invalid \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput --verbosity 1

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home perspectives \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R perspectives:perspectives /app/var/media /app/var/beat
USER perspectives

EXPOSE 8000
# Workers: WEB_CONCURRENCY; more gunicorn options through GUNICORN_CMD_ARGS.
CMD ["gunicorn", "perspectives.wsgi:application", \
     "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
