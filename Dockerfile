# Switchyard: multi-stage image. Build: `docker build -t switchyard .`; run: see docker-compose.yml and
# docs/deployment.md. The app listens on PORT (3000) and keeps its data (embedded database when DATABASE_URL is
# unset, generated secrets when AUTH_SECRET/MASTER_KEY are unset, the usage spool) in DATA_DIR=/data.

# ---- build: dependencies, Prisma client, Next build and the server bundle ----
FROM node:20-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
# `npm install`, not `npm ci` (the lockfile lacks other platforms' optional binaries; see STACK.md).
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- run: production dependencies and build output only, as an unprivileged user ----
FROM node:20-slim AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
RUN groupadd --system --gid 1001 switchyard \
 && useradd --system --uid 1001 --gid switchyard --home /app switchyard \
 && mkdir -p /data && chown switchyard:switchyard /data
COPY --from=build --chown=switchyard:switchyard /app/package.json /app/package-lock.json ./
COPY --from=build --chown=switchyard:switchyard /app/node_modules ./node_modules
COPY --from=build --chown=switchyard:switchyard /app/.next ./.next
COPY --from=build --chown=switchyard:switchyard /app/dist ./dist
COPY --from=build --chown=switchyard:switchyard /app/prisma ./prisma
COPY --from=build --chown=switchyard:switchyard /app/lib/db/generated ./lib/db/generated
COPY --from=build --chown=switchyard:switchyard /app/next.config.mjs ./
USER switchyard
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server.mjs"]
