# Cohort: one image for every role (`--role gateway|worker|web|all`), run as several processes by compose.yaml.
# README "Running several processes" explains the set-up.

# --- build: install with the lockfile, generate the Prisma clients and compile dist/ (npm ci's postinstall) -------
FROM node:22-slim AS build
WORKDIR /app
# better-sqlite3 and the other native addons compile from source when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# The postinstall step needs the sources (schema, build script), so they come in before npm ci.
COPY . .
RUN npm ci && npm prune --omit=dev

# --- run: the compiled app, production dependencies, schema, migrations and the shipped model; no sources -------
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/schema ./prisma/schema
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/prisma/demo ./prisma/demo
COPY --from=build /app/models ./models
# Without bots/main.ts the launcher runs dist/ as built (no staleness check, no rebuild): the image is read-only for
# the app except data/ (a SQLite file, attachments), owned by the unprivileged `node` user it runs as.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# Inside a container every listener binds all interfaces: the reverse proxy or the other services are elsewhere.
ENV DISCORD_INTERACTIONS_HOST=0.0.0.0 \
    SLACK_HOST=0.0.0.0 \
    TELEGRAM_WEBHOOK_HOST=0.0.0.0 \
    WEB_HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0 \
    DATABASE_URL=file:/app/data/cohort.db
# Discord interactions, Slack events, Telegram webhook, web panel, ops (/healthz /readyz /metrics).
EXPOSE 8080 3000 8443 4880 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/start.js"]
CMD ["--role", "all"]
