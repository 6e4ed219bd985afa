# flagsync container: the CLI as entrypoint; `run` (the default command) is the cron daemon.
#   docker build -t flagsync .
#   docker run --rm -v $PWD/flagsync.yaml:/etc/flagsync/flagsync.yaml:ro -v flagsync-state:/var/lib/flagsync \
#     -e JIRA_CLIENT_ID -e JIRA_CLIENT_SECRET flagsync
# The default state path is /var/lib/flagsync/state.json (FLAGSYNC_STATE_PATH, writable by the node user); with
# `state.store: postgres` that folder only holds the spool. Set `metrics.port: 9464` for /metrics, /healthz, /readyz
# and this image's HEALTHCHECK.
# test/image/image.test.ts does what this image does without a container engine: keep the two in step.

# One Node minor, so a rebuild does not move to another minor release behind our back.
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
# The package exactly as npm would publish it, installed production-only into /app: the image runs what users
# install, and test/image/image.test.ts can do the same without a container engine.
RUN npm run build \
 && npm pack --pack-destination /tmp \
 && mkdir /app \
 && echo '{"name":"flagsync-image","version":"0.0.0","private":true}' > /app/package.json \
 && cd /app \
 && npm install --omit=dev --no-audit --no-fund /tmp/flagsync-*.tgz

FROM ${NODE_IMAGE}
ARG NODE_IMAGE
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="flagsync" \
      org.opencontainers.image.description="Pushes feature flags, builds, deployments and development information from self-hosted tools into Jira Software Cloud" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# git: the git devinfo adapter reads repositories with the git CLI; tini: signals reach flagsync (SIGTERM saves state).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/flagsync /etc/flagsync \
 && chown node:node /var/lib/flagsync
ENV NODE_ENV=production \
    FLAGSYNC_CONFIG=/etc/flagsync/flagsync.yaml \
    FLAGSYNC_STATE_PATH=/var/lib/flagsync/state.json
WORKDIR /app
COPY --from=build /app /app
USER node
VOLUME ["/var/lib/flagsync"]
# metrics.port in the config serves /metrics, /healthz and /readyz here
EXPOSE 9464
# node itself asks /healthz (no curl in the image); Kubernetes ignores this and uses the Deployment's probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/node_modules/flagsync/bin/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/node_modules/flagsync/bin/flagsync.js"]
CMD ["run", "--config", "/etc/flagsync/flagsync.yaml"]
