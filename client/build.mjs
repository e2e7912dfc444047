/* global console, process */
// Bundles the browser client and the playground into client/dist. Files are written to a
// temporary name and renamed, so a gateway serving them never reads half a file.
import { build } from 'esbuild';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

/** The playground imports the client as the gateway serves it, not a copy of its own. */
const servedClient = {
  name: 'served-client',
  setup(plugin) {
    plugin.onResolve({ filter: /^@tokengate\/client$/ }, () => ({
      path: '/client.js',
      external: true,
    }));
  },
};

const bundle = (entry, plugins = []) =>
  build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins,
  }).then((result) => result.outputFiles[0].contents);

async function writeAtomically(relative, contents) {
  const target = join(dist, relative);
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, target);
}

try {
  const [client, playground, page, style] = await Promise.all([
    bundle('src/index.ts'),
    bundle('playground/main.ts', [servedClient]),
    readFile(join(here, 'playground/index.html')),
    readFile(join(here, 'playground/playground.css')),
  ]);
  await Promise.all([
    writeAtomically('client.js', client),
    writeAtomically('playground/playground.js', playground),
    writeAtomically('playground/index.html', page),
    writeAtomically('playground/playground.css', style),
  ]);
} catch (error) {
  console.error(`build:client failed: ${error.message}`);
  process.exit(1);
}
