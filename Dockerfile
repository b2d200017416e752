# Production image: gunicorn serves the portal, whitenoise the static files, WeasyPrint the PDFs.
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/vendor-assets.sh scripts/
RUN sh scripts/vendor-assets.sh

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint's system libraries (Pango and HarfBuzz for text, fontconfig for fonts) and fonts
# for the PDFs; gettext compiles the translations.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 fontconfig \
        fonts-dejavu-core fonts-liberation2 gettext \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /src/static/vendor static/vendor
# Hashed, compressed static files (whitenoise's manifest, as DEBUG off expects), and the
# compiled English translations.
RUN DEBUG=1 STATIC_MANIFEST=1 python manage.py collectstatic --noinput \
    && DEBUG=1 python manage.py compilemessages --ignore=node_modules -v 0
RUN useradd --system --create-home portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s CMD ["python", "scripts/healthcheck.py"]
CMD ["sh", "scripts/start-web.sh"]
