import { constants, type Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * The largest scenario file read: the shipped ones are under 2 KB; one of 1 MB (16,000
 * promotions) loads in about a second and 160 MB, one of 10 MB took 30 s and 1.3 GB.
 */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

/** The text of a scenario file, or why it is not read (a line's reason, after the file's name). */
export type ScenarioText = { readonly text: string } | { readonly refused: string };

// Never wait for a writer: opening a FIFO for reading blocks until one comes, and a thread of
// libuv's pool blocked in open() also keeps the process from exiting. Regular files ignore it.
const READ_ONLY_NEVER_WAITING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads one file of the scenario folder (`folder` is the folder's real path) only when it is a
 * regular file, inside the folder once its symbolic links are followed, and at most
 * MAX_SCENARIO_FILE_BYTES long. Each is checked before the file is opened (a FIFO, a socket or
 * a device never is) and again on what was opened, so a file swapped in between changes nothing.
 */
export async function readScenarioText(folder: string, file: string): Promise<ScenarioText> {
  let target: string;
  try {
    target = await realpath(file);
  } catch (error) {
    return cannotRead(error);
  }
  if (!inside(folder, target)) return { refused: `refused: a symbolic link to ${target}, outside the scenario folder ${folder}` };
  let stats: Stats;
  try {
    stats = await stat(target);
  } catch (error) {
    return cannotRead(error);
  }
  const before = refusal(stats);
  if (before) return { refused: before };
  let handle;
  try {
    handle = await open(target, READ_ONLY_NEVER_WAITING);
  } catch (error) {
    return cannotRead(error);
  }
  try {
    const opened = refusal(await handle.stat());
    if (opened) return { refused: opened };
    return await boundedText(handle);
  } catch (error) {
    return cannotRead(error);
  } finally {
    await handle.close();
  }
}

/** The text, unless the file has grown past the limit since it was measured. */
async function boundedText(handle: Awaited<ReturnType<typeof open>>): Promise<ScenarioText> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(Math.min(64 * 1024, MAX_SCENARIO_FILE_BYTES + 1 - total)) });
    if (bytesRead === 0) return { text: Buffer.concat(chunks, total).toString('utf8') };
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > MAX_SCENARIO_FILE_BYTES) return { refused: tooLarge('grown while read') };
  }
}

function refusal(stats: Stats): string | undefined {
  if (!stats.isFile()) return `refused: ${kind(stats)}, not a regular file`;
  if (stats.size > MAX_SCENARIO_FILE_BYTES) return tooLarge(bytes(stats.size));
  return undefined;
}

function kind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a folder';
  return 'not a file';
}

function tooLarge(size: string): string {
  return `refused: ${size}, more than the ${MAX_SCENARIO_FILE_BYTES / 1024 / 1024} MB (${bytes(MAX_SCENARIO_FILE_BYTES)}) a scenario file may have`;
}

function bytes(count: number): string {
  return `${count.toLocaleString('en-US')} bytes`;
}

/** `target` is in `folder` or below it. */
function inside(folder: string, target: string): boolean {
  const path = relative(folder, target);
  return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

function cannotRead(error: unknown): ScenarioText {
  return { refused: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
}
