#!/usr/bin/env node
'use strict';
// The `flagsync` command. An installed package runs the compiled CLI (dist/, built by `npm run build`, which
// `npm pack` runs). A checkout that was never built runs its TypeScript sources through tsx instead of failing on
// the missing dist/, and a checkout whose sources changed after its build says so (it runs the older build); without
// node_modules it says what to run.
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const source = path.join(root, 'src', 'cli', 'main.ts');

function stop(message) {
  process.stderr.write(`flagsync: ${message}\n`);
  process.exit(2);
}

/** Whether `file` changed after `time`; a file gone since it was listed (a checkout, an editor's save) did not. */
function modifiedAfter(file, time) {
  try {
    return statSync(file).mtimeMs > time;
  } catch {
    return false;
  }
}

/** A TypeScript source of the build (tests aside) under `dirs` changed after `time`, or undefined. */
function changedAfter(time, dirs) {
  const pending = [...dirs];
  while (pending.length > 0) {
    const dir = pending.pop();
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      // Dot entries are editors' and tools' (an Emacs lock `.#main.ts` is a dangling symlink).
      if (entry.name.startsWith('.')) continue;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'test' && entry.name !== 'node_modules') pending.push(file);
      } else if (entry.isFile() && /(?<!\.test|\.d)\.ts$/.test(entry.name) && modifiedAfter(file, time)) {
        return file;
      }
    }
  }
  return undefined;
}

if (existsSync(compiled)) {
  // Only a checkout has src/ (the package and the image ship dist/ alone). Looking costs ~5-15 ms, so only for a
  // person at a terminal: scheduled runs and scripts start as fast as they did.
  if (process.stderr.isTTY === true && existsSync(source)) {
    const changed = changedAfter(statSync(compiled).mtimeMs, [path.join(root, 'src'), path.join(root, 'adapters')]);
    if (changed !== undefined) {
      process.stderr.write(
        `flagsync: ${path.relative(root, changed)} changed after the build in dist/, which runs now; \`npm run build\` to run the change\n`,
      );
    }
  }
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
