# Next.js's `with-docker` example recipe (deps -> builder -> runner, standalone output), adapted
# to a pnpm workspace: the whole repository is copied before the install (the example copies
# only the root's package.json and lockfile, which a workspace cannot install from), the build
# is filtered to the app and its libraries, and the runner uses the app's path in the trace.
# node:22-slim instead of node:alpine (no other image here). Used by bench/frameworks.py.
FROM node:22-slim AS base
RUN npm install -g pnpm@10.34.9

FROM base AS deps
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile

FROM base AS builder
WORKDIR /app
COPY --from=deps /app ./
ENV NEXT_TELEMETRY_DISABLED=1
RUN pnpm --filter "@nx/web..." run build

FROM base AS runner
WORKDIR /app
ENV NODE_ENV=production
ENV NEXT_TELEMETRY_DISABLED=1
RUN groupadd --system --gid 1001 nodejs && useradd --system --uid 1001 --gid nodejs nextjs
COPY --from=builder /app/apps/web/public ./apps/web/public
COPY --from=builder --chown=nextjs:nodejs /app/apps/web/.next/standalone ./
COPY --from=builder --chown=nextjs:nodejs /app/apps/web/.next/static ./apps/web/.next/static
USER nextjs
EXPOSE 3000
ENV PORT=3000
ENV HOSTNAME="0.0.0.0"
CMD ["node", "apps/web/server.js"]
