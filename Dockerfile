# One image for the API, the worker and the operator commands (README, "Production").
#   docker build -t tenantry .
#   docker run tenantry                                   the API (node dist/apps/api/src/main.js)
#   docker run tenantry dist/apps/worker/src/main.js      the worker
#   docker run tenantry dist/apps/cli/src/migrate.js      migrations (as the schema owner)
#   docker run tenantry dist/apps/cli/src/create-admin.js --email ops@example.com
# The compiled entry points run as production whatever NODE_ENV says.
# test/deployment/production-install.e2e-spec.ts runs this file's npm and node commands on a
# production install, so keep every command on one RUN/CMD/ENTRYPOINT line.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/apps/console/dist ./apps/console/dist
# Tenant exports (EXPORT_DIR, shared by the API and the worker: mount a volume here) and mail files.
RUN mkdir -p .data/exports .data/mail && chown -R node:node .data
USER node
EXPOSE 3000
ENTRYPOINT ["node"]
CMD ["dist/apps/api/src/main.js"]
