// Run by `npm run build` (with tsx), after tsc: makes the `promotions-sandbox` command (dist/cli.js) one
// bundle, for a faster start. Loading some 70 small modules of our own and a few hundred of
// Fastify and its plugins one file at a time is most of a start's time; a bundle resolves and
// reads them once. The library (dist/index.js) stays as tsc made it.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { dynamicImportsOfCommonJs } from './bundle-checks.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Chunk names carry a hash: the chunks of an earlier build would stay, and be packed.
rmSync(`${root}dist/bundle`, { recursive: true, force: true });

const { metafile } = await build({
  absWorkingDir: root,
  metafile: true,
  entryPoints: ['src/cli.ts'],
  // One folder below dist, as dist/contract and dist/scenarios are: the paths the code finds from
  // import.meta.url (the contract, the scenarios, the caches) stay right.
  outdir: 'dist/bundle',
  bundle: true,
  // What is imported on first use (a subcommand, the Redis store, the scenario checks) stays in
  // a chunk of its own, loaded then.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  // Fastify's plugins and its dependencies are CommonJS: the bundle gives them a require.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  external: [
    // The docs page's plugins find their own files from __dirname (Swagger UI's assets), which a
    // bundle would move; they and the YAML library they share are loaded from node_modules.
    '@fastify/swagger',
    '@fastify/swagger-ui',
    'yaml',
    // Loaded only when used (Redis, OAuth tokens, generated bodies, a contract of one's own).
    'ioredis',
    'jose',
    'json-schema-faker',
    '@apidevtools/json-schema-ref-parser',
  ],
  logLevel: 'warning',
});

// Every dynamic import the bundle contains is checked: see bundle-checks.ts.
const commonJsImports = dynamicImportsOfCommonJs(metafile);
if (commonJsImports.length > 0) {
  process.stderr.write(`bundle-cli: the bundled command would lose named exports:\n${commonJsImports.map((line) => `  ${line}`).join('\n')}\n`);
  process.exit(1);
}

// The command: tsc does not emit src/cli.ts (tsconfig.build.json), this is its entry point.
writeFileSync(`${root}dist/cli.js`, "#!/usr/bin/env node\nimport './bundle/cli.js';\n");
chmodSync(`${root}dist/cli.js`, 0o755);

