import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SCENARIO_FILE_BYTES, readScenarioText } from '../../src/scenarios/read-scenario-text.js';
import { type Finished, listeningUrl, startCli } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';

const EXTRA = `# yaml-language-server: $schema=./scenario.schema.json
name: extra-error
description: A scenario of one's own.
operations: [deactivatePromotionGlobally]
code: 500
forced: {}
`;

const folders: string[] = [];
const running: ReturnType<typeof startCli>[] = [];
afterEach(async () => {
  // SIGTERM first; a process that does not exit in the grace period (a read jammed on a FIFO, as
  // before these rules) is killed, so that a failing test leaves nothing running either.
  await Promise.all(running.splice(0).map(async (sandbox) => {
    sandbox.child.kill('SIGTERM');
    if ((await exitWithin(sandbox, 11_000)) === 'hung') sandbox.child.kill('SIGKILL');
    await sandbox.finished;
  }));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The command, stopped after the test whatever happens. */
function run(args: string[]): Promise<Finished> {
  const sandbox = startCli(args);
  running.push(sandbox);
  return sandbox.finished;
}

function exitWithin(sandbox: ReturnType<typeof startCli>, ms: number): Promise<Finished | 'hung'> {
  return Promise.race([sandbox.finished, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms).unref())]);
}

/** A folder of one's own holding extra-error.yaml, removed after the test. */
function ownFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'unread-'));
  folders.push(folder);
  writeFileSync(join(folder, 'extra-error.yaml'), EXTRA);
  return folder;
}

/** mkfifo as a person would run it; false where the platform has none. */
function mkfifo(path: string): boolean {
  const made = spawnSync('mkfifo', [path]);
  return made.error === undefined && made.status === 0;
}

const probe = mkdtempSync(join(tmpdir(), 'fifo-probe-'));
const hasMkfifo = mkfifo(join(probe, 'probe'));
rmSync(probe, { recursive: true, force: true });

/** What each kind of file is refused with, once placed in `folder` as `name`. */
const kinds = {
  fifo: {
    place: (folder: string, name: string) => void mkfifo(join(folder, name)),
    line: (folder: string, name: string) => `${folder}/${name}: refused: a FIFO (named pipe), not a regular file`,
  },
  'symlink out of the folder': {
    place: (folder: string, name: string) => {
      const outside = mkdtempSync(join(tmpdir(), 'outside-'));
      folders.push(outside);
      writeFileSync(join(outside, name), EXTRA.replace('extra-error', name.replace('.yaml', '')));
      symlinkSync(join(outside, name), join(folder, name));
    },
    line: (folder: string, name: string) => new RegExp(`^${folder}/${name}: refused: a symbolic link to /.*/outside-\\w+/${name}, outside the scenario folder /.*$`),
  },
  '10 MB file': {
    place: (folder: string, name: string) => writeFileSync(join(folder, name), `name: x\ndescription: ${'a'.repeat(10 * 1024 * 1024 - 22)}\n`),
    line: (folder: string, name: string) => `${folder}/${name}: refused: 10,485,760 bytes, more than the 1 MB (1,048,576 bytes) a scenario file may have`,
  },
} as const;
type Kind = keyof typeof kinds;
const KINDS = Object.keys(kinds) as Kind[];
const skipped = (kind: Kind): boolean => kind === 'fifo' && !hasMkfifo;

function matches(line: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? line === expected : expected.test(line);
}

describe('promotions-sandbox validate refuses what it must not read, one line each', () => {
  it.for(KINDS)('%s', async (kind, { skip }) => {
    skip(skipped(kind), 'no mkfifo on this platform');
    const folder = ownFolder();
    kinds[kind].place(folder, 'odd.yaml');
    const started = Date.now();
    const { code, stdout, stderr } = await run(['validate', folder]);
    const elapsed = Date.now() - started;
    expect(stdout).toBe('');
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(matches(lines[0] ?? '', kinds[kind].line(folder, 'odd.yaml')), lines[0]).toBe(true);
    // Refused before it is read: a 10 MB file took 30 s to parse; starting node is most of this.
    expect(elapsed).toBeLessThan(3_000);
  });

  it('every refused file at once, with the file the others would have been parsed beside', async () => {
    const folder = ownFolder();
    const present = KINDS.filter((kind) => !skipped(kind));
    present.forEach((kind, index) => kinds[kind].place(folder, `odd-${index}.yaml`));
    const { code, stderr } = await run(['validate', folder]);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(present.length);
    present.forEach((kind, index) => expect(matches(lines[index] ?? '', kinds[kind].line(folder, `odd-${index}.yaml`)), lines[index]).toBe(true));
  });

  it('a symbolic link that stays in the folder is read as the file it leads to', async () => {
    const folder = ownFolder();
    mkdirSync(join(folder, 'kept'));
    writeFileSync(join(folder, 'kept', 'linked-error.yaml'), EXTRA.replace('extra-error', 'linked-error'));
    symlinkSync(join('kept', 'linked-error.yaml'), join(folder, 'linked-error.yaml'));
    const { code, stdout, stderr } = await run(['validate', '--only-own-scenarios', folder]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`2 scenarios in ${folder}: all valid.`);
  });
});

describe('a start with a file it must not read fails, as it does for a broken file', () => {
  it.for(KINDS)('%s', async (kind, { skip }) => {
    skip(skipped(kind), 'no mkfifo on this platform');
    const folder = ownFolder();
    kinds[kind].place(folder, 'odd.yaml');
    const { code, stderr } = await run(['--scenarios', folder, '--port', '0']);
    expect(code).toBe(1);
    const [first, ...rest] = stderr.trim().split('\n');
    expect(rest).toEqual([]);
    expect(first?.startsWith('promotions-sandbox: cannot start: '), first).toBe(true);
    expect(matches(first?.slice('promotions-sandbox: cannot start: '.length) ?? '', kinds[kind].line(folder, 'odd.yaml')), first).toBe(true);
  });
});

describe('--watch: a file it must not read keeps the last good set, and SIGTERM still exits', () => {
  it.for(KINDS)('%s', async (kind, { skip }) => {
    skip(skipped(kind), 'no mkfifo on this platform');
    const folder = ownFolder();
    const sandbox = startCli(['--scenarios', folder, '--watch', '--port', '0', '--host', '127.0.0.1']);
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const names = async (): Promise<string[]> => {
      const answer = await fetch(`${url}/__sandbox/scenarios`, { headers: { authorization: 'Basic d2F0Y2g6eA==' } });
      return ((await answer.json()) as { data: { name: string }[] }).data.map((scenario) => scenario.name);
    };
    expect(await names()).toContain('extra-error');

    kinds[kind].place(folder, 'odd.yaml');
    const logged = await eventually(() => brokenLine(sandbox.output()), 'the refusal to be logged');
    expect(logged.problems).toHaveLength(1);
    expect(matches(logged.problems[0] ?? '', kinds[kind].line(folder, 'odd.yaml')), logged.problems[0]).toBe(true);
    expect(await names()).toContain('extra-error');

    // The reloads are not jammed: a good edit after the refusal is taken once the odd file is gone.
    rmSync(join(folder, 'odd.yaml'));
    writeFileSync(join(folder, 'later-error.yaml'), EXTRA.replace('extra-error', 'later-error'));
    await eventually(async () => ((await names()).includes('later-error') ? true : undefined), 'the good edit');

    if (kind === 'fifo') kinds.fifo.place(folder, 'again.yaml');
    const stopping = Date.now();
    sandbox.child.kill('SIGTERM');
    const exit = await exitWithin(sandbox, 11_000);
    expect(exit === 'hung' ? exit : { code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    // Within the grace period (10 s); with nothing in flight, at once.
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});

describe('readScenarioText', () => {
  it('refuses a link to nothing, and reads a file of exactly the limit', async () => {
    const folder = ownFolder();
    symlinkSync(join(folder, 'gone.yaml'), join(folder, 'dangling.yaml'));
    expect(await readScenarioText(folder, join(folder, 'dangling.yaml'))).toEqual({ refused: 'cannot read the file (ENOENT)' });
    writeFileSync(join(folder, 'full.yaml'), 'a'.repeat(MAX_SCENARIO_FILE_BYTES));
    const full = await readScenarioText(folder, join(folder, 'full.yaml'));
    expect('text' in full && full.text.length).toBe(MAX_SCENARIO_FILE_BYTES);
    writeFileSync(join(folder, 'over.yaml'), 'a'.repeat(MAX_SCENARIO_FILE_BYTES + 1));
    expect(await readScenarioText(folder, join(folder, 'over.yaml'))).toEqual({ refused: 'refused: 1,048,577 bytes, more than the 1 MB (1,048,576 bytes) a scenario file may have' });
  });
});

interface BrokenLine {
  readonly msg: string;
  readonly problems: string[];
}

function brokenLine(output: string): Promise<BrokenLine | undefined> {
  const line = output
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map((text) => JSON.parse(text) as BrokenLine)
    .find((entry) => entry.msg.startsWith('scenario files are broken'));
  return Promise.resolve(line);
}
