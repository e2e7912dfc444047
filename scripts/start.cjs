// `npm start`: the production server, from the build made at install time (`prepare`).
// Plain JavaScript so that it runs before, and without, any TypeScript tooling.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'src', 'index.js');
if (!existsSync(entry)) {
  console.error(
    'tokengate is not built yet: run `npm run build` (npm install does it), then `npm start`.',
  );
  process.exit(1);
}
process.env.NODE_ENV ??= 'production';
process.setSourceMapsEnabled(true);
require(entry);
