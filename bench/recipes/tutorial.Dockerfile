# The tutorial's 3-stage recipe (node:22-slim, manifests first, prune to production, non-root user),
# made to work on pnpm 10:
#  - `pnpm prune --prod` aborts without a TTY in a workspace (and otherwise empties the workspace's
#    node_modules), so the production tree is a fresh `pnpm install --prod --frozen-lockfile`;
#  - `COPY packages/*/dist ./packages/` flattens every package into one folder, so whole package
#    folders are copied instead.
FROM node:22-slim AS deps
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .pnpmfile.cjs ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/config/package.json packages/config/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/logger/package.json packages/logger/
COPY packages/queue/package.json packages/queue/
COPY packages/testing/package.json packages/testing/
RUN pnpm install --frozen-lockfile

FROM deps AS build
COPY . .
RUN pnpm -r build
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules \
 && pnpm install --prod --frozen-lockfile --offline

FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/apps/api ./apps/api
USER node
EXPOSE 3000
CMD ["node", "apps/api/dist/index.js"]
