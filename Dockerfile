# The API and worker image (one image, two commands: see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --include=dev
# The console (served by the API at /console): its own dependencies, then its build.
COPY console/package.json console/package-lock.json ./console/
RUN cd console && npm ci --include=dev
COPY . .
RUN cd console && npm run build
# The workflows bundled once here: a worker (re)starts without bundling them.
RUN npm run build:workflow-bundle -- /app/dist/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
