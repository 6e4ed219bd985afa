# flagsync container: the CLI as entrypoint; `run` (the default command) is the cron daemon.
#   docker build -t flagsync .
#   docker run --rm -v $PWD/flagsync.yaml:/etc/flagsync/config/flagsync.yaml:ro -v flagsync-state:/var/lib/flagsync \
#     -e JIRA_CLIENT_ID -e JIRA_CLIENT_SECRET flagsync
# The config goes in /etc/flagsync/config/ (FLAGSYNC_CONFIG; Kubernetes mounts its ConfigMap there), so other
# mounts under /etc/flagsync (a CA certificate, say) are not hidden by it; adapters baked into a derived image go in
# /opt/flagsync/adapters (see docs/adapters.md, "In the container image").
# The default state path is /var/lib/flagsync/state.json (FLAGSYNC_STATE_PATH, writable by the node user); with
# `state.store: postgres` that folder only holds the spool. Set `metrics.port: 9464` for /metrics, /healthz, /readyz
# and this image's HEALTHCHECK (without it the health check has nothing to ask and passes).
# test/image/image.test.ts does what this image does without a container engine: keep the two in step.

# One Node minor, so a rebuild does not move to another minor release behind our back.
ARG NODE_IMAGE=node:20.19-bookworm-slim
# The image's version label. A Dockerfile cannot read package.json for a label, so it is written here too; the build
# stage fails when the two differ (override with --build-arg VERSION=… only together with package.json).
ARG VERSION=0.1.0

FROM ${NODE_IMAGE} AS build
ARG VERSION
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
# The package exactly as npm would publish it (npm pack builds dist/ in its prepack), unpacked as /app, and its
# production dependencies installed from this repository's package-lock.json: a rebuild of the same commit installs
# the same dependency versions. npm ci refuses a lock file that does not match the package.json beside it (the
# tarball's, which is this one). test/image/image.test.ts installs it the same way without a container engine.
RUN test "$(node -p 'require("./package.json").version')" = "${VERSION}" \
   || { echo "Dockerfile VERSION ${VERSION} differs from package.json's version" >&2; exit 1; } \
 && npm pack --pack-destination /tmp \
 && mkdir /app \
 && tar -xzf /tmp/flagsync-*.tgz -C /app --strip-components=1 --no-same-owner \
 && cp package-lock.json /app/package-lock.json \
 && cd /app \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && chmod 0755 /app/bin/flagsync.js /app/bin/healthcheck.js

FROM ${NODE_IMAGE}
ARG NODE_IMAGE
ARG VERSION
LABEL org.opencontainers.image.title="flagsync" \
      org.opencontainers.image.description="Pushes feature flags, builds, deployments and development information from self-hosted tools into Jira Software Cloud" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# git: the git devinfo adapter reads repositories with the git CLI; tini: signals reach flagsync (SIGTERM saves state).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/flagsync /etc/flagsync/config /opt/flagsync/adapters \
 && chown node:node /var/lib/flagsync
ENV NODE_ENV=production \
    FLAGSYNC_CONFIG=/etc/flagsync/config/flagsync.yaml \
    FLAGSYNC_STATE_PATH=/var/lib/flagsync/state.json
WORKDIR /app
COPY --from=build /app /app
# `flagsync …` on the PATH, for `docker exec` and `kubectl exec` (flagsync status).
RUN ln -s /app/bin/flagsync.js /usr/local/bin/flagsync
USER node
VOLUME ["/var/lib/flagsync"]
# metrics.port in the config serves /metrics, /healthz and /readyz here
EXPOSE 9464
# node itself asks /healthz on the config's metrics.port (no curl in the image), and passes when the config sets no
# port; Kubernetes ignores this and uses the Deployment's probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/flagsync.js"]
CMD ["run", "--config", "/etc/flagsync/config/flagsync.yaml"]
