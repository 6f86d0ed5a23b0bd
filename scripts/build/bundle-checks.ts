import type { Metafile } from 'esbuild';

/**
 * The dynamic imports of CommonJS modules in a bundle, one line each. esbuild turns such an
 * import into a chunk that exports only `default`, so the module's named exports are undefined
 * at run time ("Ajv2020 is not a constructor") while the same code run from the sources works.
 * Such a library is loaded with `requireCommonJs` (src/require-commonjs.ts) instead. External
 * modules are Node's to load, named exports and all, and are left alone.
 */
export function dynamicImportsOfCommonJs(metafile: Metafile): string[] {
  return Object.entries(metafile.inputs).flatMap(([importer, input]) =>
    input.imports
      .filter((imported) => imported.kind === 'dynamic-import' && !imported.external && metafile.inputs[imported.path]?.format === 'cjs')
      .map((imported) => `${importer} imports ${imported.original ?? imported.path} (CommonJS) with import(): load it with requireCommonJs (src/require-commonjs.ts)`),
  );
}
