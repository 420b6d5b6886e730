# One image for the app services (actions, worker, api, migrate); Rasa uses rasa/rasa:3.6.21.
# The chat page's bundle is built in a Node stage, so the image needs no prior `make web`.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/src src
RUN npm run build

FROM python:3.11.7-slim
ENV PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2 TF_USE_LEGACY_KERAS=1
WORKDIR /app
COPY requirements/app.lock.txt requirements/app-nodeps.txt requirements/
RUN pip install --no-cache-dir uv==0.13.9 \
 && uv pip install --system --no-cache -r requirements/app.lock.txt \
 && uv pip install --system --no-cache --no-deps --require-hashes -r requirements/app-nodeps.txt
COPY pyproject.toml README.md ./
COPY tutor tutor
COPY db db
COPY jobs jobs
COPY skills skills
COPY actions actions
COPY api api
COPY faq faq
COPY understanding understanding
COPY curriculum curriculum
COPY usercode usercode
COPY uploads uploads
COPY lessons lessons
COPY data data
COPY web/src web/src
COPY --from=web /web/dist web/dist
RUN uv pip install --system --no-deps -e .
# The transfer skill's feature extractor, pretrained at build time (same command as `make`).
RUN python -m skills.transfer build models/hub/digits-features
