import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialIds, KNOWN_IDS_BYTES, LONGEST_REMEMBERED } from '../../src/auth/credential-ids.js';
import { credentialId } from '../../src/auth/credentials.js';

const hashed = (kind: string, credential: string) => createHash('sha256').update(`${kind}\n${credential}`).digest('base64url').slice(0, 22);

describe('the ids of credentials this process remembers', () => {
  it('are the hash of the kind and the credential, remembered or not', () => {
    const ids = new CredentialIds();
    const long = 'x'.repeat(LONGEST_REMEMBERED + 1);
    for (const [kind, credential] of [['basic', 'dXNlcjpzZWNyZXQ='], ['oauth', 'key-1'], ['basic', long]] as const) {
      expect(ids.idOf(kind, credential)).toBe(hashed(kind, credential));
      expect(ids.idOf(kind, credential)).toBe(hashed(kind, credential));
    }
    // The same text is another credential under another kind.
    expect(ids.idOf('oauth', 'dXNlcjpzZWNyZXQ=')).not.toBe(ids.idOf('basic', 'dXNlcjpzZWNyZXQ='));
    expect(credentialId('basic', 'dXNlcjpzZWNyZXQ=')).toBe(hashed('basic', 'dXNlcjpzZWNyZXQ='));
  });

  it('do not keep a credential longer than the longest remembered: 50,000 credentials of 16 KB hold nothing', () => {
    const ids = new CredentialIds();
    const filler = 'a'.repeat(16 * 1024 - 6);
    for (let index = 0; index < 50_000; index += 1) ids.idOf('basic', `${index.toString().padStart(6, '0')}${filler}`);
    expect(ids.size).toBe(0);
    expect(ids.bytes).toBe(0);
  });

  it(`stay within ${KNOWN_IDS_BYTES / 1024 / 1024} MiB, counted as two bytes a character, however many come`, () => {
    const ids = new CredentialIds();
    const filler = 'b'.repeat(LONGEST_REMEMBERED - 8);
    let highest = 0;
    let remembered = 0;
    for (let index = 0; index < 50_000; index += 1) {
      ids.idOf(index % 2 === 0 ? 'basic' : 'oauth', `${index.toString().padStart(8, '0')}${filler}`);
      highest = Math.max(highest, ids.bytes);
      remembered = Math.max(remembered, ids.size);
      // The characters alone of what is remembered: the estimate counts at least them.
      if (index % 5_000 === 0) expect(ids.bytes).toBeGreaterThanOrEqual(2 * LONGEST_REMEMBERED * ids.size);
    }
    expect(highest).toBeLessThanOrEqual(KNOWN_IDS_BYTES);
    // Most of the budget is used before it starts again: some 3,800 credentials of 512 characters.
    expect(remembered).toBeGreaterThan(3_500);
    expect(remembered).toBeLessThan(50_000 / 2);
  });

  it('remember the usual short credential: 10,000 Basic tokens all fit, and a second round hashes none', () => {
    const ids = new CredentialIds();
    const tokens = Array.from({ length: 10_000 }, (_, index) => Buffer.from(`user-${index}:${createHash('md5').update(String(index)).digest('hex')}`).toString('base64'));
    for (const token of tokens) ids.idOf('basic', token);
    expect(ids.size).toBe(10_000);
    const before = ids.bytes;
    for (const token of tokens) ids.idOf('basic', token);
    expect(ids.bytes).toBe(before);
    expect(ids.size).toBe(10_000);
  });

  it('start again from empty when the budget is spent', () => {
    const ids = new CredentialIds(1_000, 100);
    for (let index = 0; index < 20; index += 1) ids.idOf('basic', `credential-${index}`.padEnd(100, '-'));
    expect(ids.bytes).toBeLessThanOrEqual(1_000);
    expect(ids.size).toBeGreaterThan(0);
    expect(ids.size).toBeLessThan(20);
  });
});
