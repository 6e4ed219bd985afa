#!/usr/bin/env node
// The container's health check, with node itself (the image has no curl): exit 0 when the daemon's /healthz
// answers 200 within the timeout, else 1. FLAGSYNC_HEALTH_URL points it elsewhere (default: metrics.port 9464).
'use strict';

const url = process.env.FLAGSYNC_HEALTH_URL || 'http://127.0.0.1:9464/healthz';
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (res) => {
    if (!res.ok) process.stderr.write(`flagsync health check: ${url} answered ${res.status}\n`);
    process.exit(res.ok ? 0 : 1);
  },
  (error) => {
    process.stderr.write(`flagsync health check: ${url}: ${error.cause?.code ?? error.message}\n`);
    process.exit(1);
  },
);
