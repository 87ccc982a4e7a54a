# The driftless service: `docker build -t driftless .`, then e.g.
#   docker run --rm -e DRIFTLESS_LOG=esdb://host:2113?tls=false -e DRIFTLESS_ENTITIES=... driftless serve
FROM node:20-bookworm-slim AS build
# better-sqlite3 is compiled from source.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
# `npm ci` builds dist/ (the prepare script); then only what runs is kept.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DRIFTLESS_STATE=/var/lib/driftless/state.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schemas ./schemas
RUN mkdir -p /var/lib/driftless && chown node:node /var/lib/driftless
USER node
VOLUME ["/var/lib/driftless"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
