#!/bin/sh
# Installs the test-only Unleash server pinned in this folder's package-lock.json, when it is missing, and prints
# the directory holding it (its node_modules/unleash-server/dist/server.js is the entry point).
#
# The install lives OUTSIDE the repository (default ~/.cache/flagsync/unleash-server-<lock hash>): a node_modules
# under test/ would be picked up by mocha's `test/**/*.test.ts` glob (pg-protocol ships .test.ts files) and would
# put 190 MB into the working tree. Override the place with FLAGSYNC_UNLEASH_SERVER_DIR (e.g. a CI cache path).
# About a minute the first time; a no-op afterwards. Never part of flagsync's runtime dependencies.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lock_hash=$(sha256sum "$here/package-lock.json" | cut -c1-12)
dir=${FLAGSYNC_UNLEASH_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/flagsync/unleash-server-$lock_hash}

if [ ! -f "$dir/node_modules/unleash-server/dist/server.js" ] || ! cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
  echo "unleash-server: installing into $dir (npm ci, about a minute)" >&2
  mkdir -p "$dir"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
echo "$dir"
