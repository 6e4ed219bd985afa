#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (`npm run build` produces dist/).
require('../dist/src/cli/main.js').runFromProcess();
