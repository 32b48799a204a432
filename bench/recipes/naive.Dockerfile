# A naive single-stage build, as commonly written by hand: everything in one image.
FROM node:22-slim
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm -r build
ENV NODE_ENV=production
EXPOSE 3000
CMD ["pnpm", "--filter", "@acme/api", "start"]
