import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { dynamicImportsOfCommonJs } from '../../scripts/build/bundle-checks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The metafile of a bundle of `contents` made as `npm run build` makes the command's. */
async function metafileOf(contents: string) {
  const { metafile } = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: 'unused',
    write: false,
    metafile: true,
    external: ['yaml'],
    logLevel: 'silent',
  });
  return metafile;
}

describe('the bundle check of dynamic imports', () => {
  it('finds a dynamic import of a bundled CommonJS library, the defect that stopped --auth accounts', async () => {
    const found = dynamicImportsOfCommonJs(await metafileOf("const { Ajv2020 } = await import('ajv/dist/2020.js'); console.log(Ajv2020);"));
    expect(found).toEqual([expect.stringMatching(/^<stdin> imports ajv\/dist\/2020\.js \(CommonJS\) with import\(\): load it with requireCommonJs/)]);
  });

  it('leaves ES modules, external modules and requireCommonJs alone', async () => {
    const found = dynamicImportsOfCommonJs(
      await metafileOf("import { requireCommonJs } from './src/require-commonjs.ts'; await import('helmet'); await import('yaml'); requireCommonJs('ajv/dist/2020.js');"),
    );
    expect(found).toEqual([]);
  });
});
