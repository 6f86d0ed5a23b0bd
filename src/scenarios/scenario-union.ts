import { basename, extname, join } from 'node:path';
import type { ScenarioSource } from './scenario.js';

/** One scenario file to read and check: where it is, its text, and which folder it came from. */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly source: ScenarioSource;
}

/** A folder's `*.yaml` files, by name. */
export interface FolderFiles {
  readonly directory: string;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

/**
 * The files in force when a folder of one's own is served beside the shipped one: every file of
 * one's own, and every shipped file whose scenario none of them replaces. A file replaces the
 * shipped scenario it is named after (`open-cart.yaml` or `open-cart.yml` replaces `open-cart`):
 * the check requires a file to be named after its scenario, so the name is the scenario's.
 * The shipped files come first, so a clash is reported at the file of one's own, naming the
 * shipped one. `replaced` lists the shipped scenarios replaced, by name.
 */
export function scenarioUnion(shipped: FolderFiles, own: FolderFiles): { files: SourceFile[]; replaced: string[] } {
  const stem = (name: string): string => basename(name, extname(name));
  const ownStems = new Set(own.files.map(({ name }) => stem(name)));
  const kept = shipped.files.filter(({ name }) => !ownStems.has(stem(name)));
  const replaced = [...new Set(shipped.files.map(({ name }) => stem(name)).filter((name) => ownStems.has(name)))];
  return {
    files: [...sourceFiles(shipped.directory, kept, 'shipped'), ...sourceFiles(own.directory, own.files, 'own')],
    replaced,
  };
}

export function sourceFiles(directory: string, files: FolderFiles['files'], source: ScenarioSource): SourceFile[] {
  return files.map(({ name, text }) => ({ file: join(directory, name), text, source }));
}
