#!/usr/bin/env node
'use strict';
// The `flagsync` command. An installed package runs the compiled CLI (dist/, built by `npm run build`, which
// `npm pack` runs). A checkout that was never built runs its TypeScript sources through tsx instead of failing on
// the missing dist/; without node_modules it says what to run.
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const source = path.join(root, 'src', 'cli', 'main.ts');

function stop(message) {
  process.stderr.write(`flagsync: ${message}\n`);
  process.exit(2);
}

if (existsSync(compiled)) {
  require(compiled).runFromProcess();
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = require('tsx/cjs/api');
  } catch {
    stop(
      `this checkout has no dependencies installed and no build: run \`npm ci\` in ${root} (then \`npm run build\` for the compiled CLI)`,
    );
  }
  tsx.register();
  require(source).runFromProcess();
} else {
  stop(`${compiled} is missing: this flagsync package is incomplete; reinstall it`);
}
