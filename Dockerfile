# syntax=docker/dockerfile:1
# Build: compile TypeScript once; runtime: production dependencies and the compiled code only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# No HOST / PORT here: set in the image they would override server.host / server.port of a mounted config
# without a word (the environment wins). The shipped config listens on 0.0.0.0:8080.
ENV NODE_ENV=production \
    CONFIG_FILE=/etc/alertcord/alertcord.yaml
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The default config; mount the directory of your own over /etc/alertcord (read-only is fine), not the file
# alone: a single-file bind mount keeps showing the old file after an editor's save, so nothing reloads.
COPY config/alertcord.yaml /etc/alertcord/alertcord.yaml
USER node
EXPOSE 8080
# Liveness only: /readyz is for load balancers (it is 503 in dry-run and while the store is down). It asks
# port $PORT, else 8080: a config with another server.port sets PORT too (or its own healthcheck).
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains for server.shutdown_deadline (8 s): give the container a longer stop grace period
# (docker run --stop-timeout 15, compose stop_grace_period: 15s, Kubernetes terminationGracePeriodSeconds: 15).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
