import { createRequire } from 'node:module';

/**
 * The one way code of ours loads a CommonJS library on first use (Ajv, its formats, its
 * standalone code generator): `require`, resolved from node_modules at run time.
 *
 * Not `import()`: in the bundled command (`dist/cli.js`, see scripts/build/bundle-cli.ts) esbuild
 * turns a dynamic import of a CommonJS module into a chunk that exports only `default`, so its named exports
 * (`Ajv2020`) are lost, while the same code run from the sources works. The build refuses such an
 * import; ES modules (ours, yaml, jose, helmet) are imported with `import()` as usual.
 */
export const requireCommonJs = createRequire(import.meta.url);
