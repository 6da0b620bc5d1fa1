# The Indicator Watch image: the three apps, the `iw` CLI and infra/cli.js (topic creation), built
# from this repository. docker-compose.yml builds it; nothing here is specific to Compose.
# Base image pinned to an exact Node release (the code needs Node >= 20.19).

FROM node:20.20.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: none is needed (README, "Pinned versions"); `prepare` would build too early.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20.20.0-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/nest-cli.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY infra ./infra
COPY samples ./samples
USER node
CMD ["node", "dist/apps/status/src/main.js"]
