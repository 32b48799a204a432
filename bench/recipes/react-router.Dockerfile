# React Router's `node` template Dockerfile (development deps -> production deps -> build ->
# final image with the production node_modules and build/, `npm run start`), adapted to a pnpm
# workspace: installs run at the workspace root (pnpm's links span the whole tree, so the final
# image takes the production install's tree, sources included) and the build is filtered to the
# app and its libraries. node:22-slim instead of node:alpine. Used by bench/frameworks.py.
FROM node:22-slim AS pnpm
RUN npm install -g pnpm@10.34.9

FROM pnpm AS development-dependencies-env
COPY . /app
WORKDIR /app
RUN pnpm install --frozen-lockfile

FROM pnpm AS production-dependencies-env
COPY . /app
WORKDIR /app
RUN pnpm install --frozen-lockfile --prod

FROM pnpm AS build-env
COPY . /app/
COPY --from=development-dependencies-env /app/node_modules /app/node_modules
COPY --from=development-dependencies-env /app/apps/site/node_modules /app/apps/site/node_modules
COPY --from=development-dependencies-env /app/packages/greet/node_modules /app/packages/greet/node_modules
WORKDIR /app
RUN pnpm --filter "@rr/site..." run build

FROM node:22-slim
COPY --from=production-dependencies-env /app /app
COPY --from=build-env /app/apps/site/build /app/apps/site/build
WORKDIR /app/apps/site
CMD ["npm", "run", "start"]
