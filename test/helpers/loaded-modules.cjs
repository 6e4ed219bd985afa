'use strict';
// Preloaded into a CLI process by a test (NODE_OPTIONS=--require): at exit, writes the ids of every module the process
// loaded (the keys of require.cache, one a line) to $FLAGSYNC_TEST_LOADED_MODULES.
const { writeFileSync } = require('node:fs');

const out = process.env.FLAGSYNC_TEST_LOADED_MODULES;
if (out !== undefined && out !== '') process.on('exit', () => writeFileSync(out, Object.keys(require.cache).join('\n')));
