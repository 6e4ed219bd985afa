#!/bin/sh
# Installs the test-only Unleash server (pinned in package-lock.json) when it is missing or not the pinned version.
# About a minute the first time; a no-op afterwards. Never part of flagsync's runtime dependencies.
set -eu
cd "$(dirname "$0")"
wanted=$(node -p "require('./package.json').dependencies['unleash-server']")
installed=$(node -p "try { require('./node_modules/unleash-server/package.json').version } catch { '' }")
if [ "$installed" = "$wanted" ] && [ -f node_modules/unleash-server/dist/server.js ]; then
  exit 0
fi
echo "unleash-server: installing $wanted (npm ci in $(pwd))" >&2
npm ci --no-audit --no-fund --loglevel=error >&2
