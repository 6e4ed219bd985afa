# flagsync container: the CLI as entrypoint; `run` (the default command) is the cron daemon.
#   docker build -t flagsync .
#   docker run --rm -v $PWD/flagsync.yaml:/etc/flagsync/flagsync.yaml:ro -v flagsync-state:/var/lib/flagsync \
#     -e JIRA_CLIENT_ID -e JIRA_CLIENT_SECRET flagsync
# Set `state.path: /var/lib/flagsync/state.json` in the config so state survives container restarts.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY adapters adapters
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# git: the git devinfo adapter reads repositories with the git CLI; tini: signals reach flagsync (SIGTERM saves state).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/flagsync /etc/flagsync \
 && chown node:node /var/lib/flagsync
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
COPY schemas schemas
COPY config config
COPY templates templates
USER node
VOLUME ["/var/lib/flagsync"]
# metrics.port in the config serves /metrics and /healthz here
EXPOSE 9464
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/flagsync.js"]
CMD ["run", "--config", "/etc/flagsync/flagsync.yaml"]
