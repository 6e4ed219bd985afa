#!/usr/bin/env node
// The container's health check, with node itself (the image has no curl): exit 0 when the daemon's /healthz
// answers 200 within the timeout, else 1.
//
// Where to ask: FLAGSYNC_HEALTH_URL when set; else the config file's `metrics.port` (and `metrics.host` when it names
// one address), the config being $FLAGSYNC_CONFIG as the daemon reads it. /healthz is served only on metrics.port,
// which has no default: a config without it (what `flagsync init` writes) has no endpoint to ask, and the check
// passes (exit 0) so that such a container does not show as unhealthy; Docker still sees the process exit.
'use strict';

const { readFileSync } = require('node:fs');

function healthUrl() {
  const fromEnv = process.env.FLAGSYNC_HEALTH_URL;
  if (fromEnv) return { url: fromEnv };
  const file = process.env.FLAGSYNC_CONFIG || 'flagsync.yaml';
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return { skip: `no config file at ${file}` };
    return { fail: `cannot read ${file}: ${error.code ?? error.message}` };
  }
  let metrics;
  try {
    metrics = require('yaml').parse(text)?.metrics;
  } catch (error) {
    return { fail: `cannot parse ${file}: ${error.message.split('\n')[0]}` };
  }
  const port = Number(metrics?.port);
  if (metrics?.port === undefined || metrics?.port === null) return { skip: `${file} sets no metrics.port` };
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return { skip: `${file}: metrics.port ${metrics.port} is not a fixed port` };
  const configured = typeof metrics.host === 'string' ? metrics.host.trim() : '';
  // A wildcard listens on loopback too; a single address is asked there.
  const host = configured === '' || configured === '0.0.0.0' || configured === '::' ? '127.0.0.1' : configured;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz` };
}

const target = healthUrl();
if (target.skip !== undefined) {
  process.stdout.write(`flagsync health check: ${target.skip}, so no /healthz to ask: passing\n`);
  process.exit(0);
}
if (target.fail !== undefined) {
  process.stderr.write(`flagsync health check: ${target.fail}\n`);
  process.exit(1);
}
const { url } = target;
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
