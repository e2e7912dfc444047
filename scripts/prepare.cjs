// `prepare` runs on every local `npm install`/`npm ci`: build the server and the browser client
// when the build tools are installed. A production install (`npm ci --omit=dev`) has none, and
// must install a tree that was built before, e.g. in a Docker build stage.
const { execSync } = require('node:child_process');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.log('prepare: TypeScript is not installed (a production install); not building.');
  process.exit(0);
}
execSync(`"${process.execPath}" "${tsc}" -p tsconfig.build.json`, { stdio: 'inherit' });
execSync('npm run -s build:client', { stdio: 'inherit' });
