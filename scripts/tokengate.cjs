#!/usr/bin/env node
// `tokengate …` (npx tokengate, npm run cli --): the CLI, from the build made at install time.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'src', 'cli', 'index.js');
if (!existsSync(entry)) {
  console.error('tokengate is not built yet: run `npm run build` (npm install does it).');
  process.exit(1);
}
require(entry);
