import { describe, expect, it } from 'vitest';
import { BODY_CAP_BYTES } from '../../src/http/journal.js';
import { DEACTIVATE_PATH, DOCS_BASIC } from '../helpers/sandbox.js';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

interface Entry {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | null;
  readonly bodyTruncated: boolean;
}

/** Runs the built command, makes one call, and returns what the history recorded of it (and the whole answer's text). */
async function recordedCall(init: RequestInit, args: string[] = []): Promise<{ entry: Entry; text: string }> {
  const sandbox = startCli(args, LOCAL);
  try {
    const url = await listeningUrl(sandbox.output);
    const session = { authorization: DOCS_BASIC, 'x-sandbox-session': 'contents' };
    await (await fetch(`${url}${DEACTIVATE_PATH}?customerId=1&earnId=null`, { method: 'POST', ...init, headers: { ...session, ...(init.headers as Record<string, string>) } })).text();
    const text = await (await fetch(`${url}/__sandbox/requests`, { headers: session })).text();
    const entry = (JSON.parse(text) as { data: { requests: Entry[] } }).data.requests[0];
    if (!entry) throw new Error(`no call recorded: ${text}`);
    return { entry, text };
  } finally {
    sandbox.child.kill('SIGTERM');
    await sandbox.finished;
  }
}

/** Headers named like credentials, and credential values under other names, each with a secret of its own. */
const BY_NAME = {
  'x-pwd': 'secret-11',
  'x-private-key': 'secret-12',
  'x-jwt': 'secret-13',
  'x-api-token': 'secret-14',
  'x-session-id': 'secret-15',
  'x-passphrase': 'secret-16',
  'x-request-signature': 'secret-17',
  'x-my-cookie-jar': 'secret-18',
};
const BY_VALUE = {
  'x-upstream': 'Bearer secret-21',
  'x-original-header': 'bearer   secret-22',
  'x-digest-header': 'Digest username="secret-23", realm="r"',
  'x-basic-too': 'Basic c2VjcmV0LTI0',
  // Node joins a repeated header with commas: the second value is still a credential.
  'x-joined': 'first, Bearer secret-25',
  'user-agent': 'Bearer secret-26',
};

async function expectRedactedByRule(args: string[]): Promise<void> {
  const { entry, text } = await recordedCall({ headers: { ...BY_NAME, ...BY_VALUE, 'x-basic-plan': 'Basicplan', 'x-trace': 'Bearer' } }, args);
  expect(entry.headers).toMatchObject({
    ...Object.fromEntries([...Object.keys(BY_NAME), ...Object.keys(BY_VALUE)].map((name) => [name, '[redacted]'])),
    'x-sandbox-session': 'contents',
    // Neither a credential's name nor a scheme followed by a credential.
    'x-basic-plan': 'Basicplan',
    'x-trace': 'Bearer',
  });
  expect((entry as Entry & { userAgent: string | null }).userAgent).toBe('[redacted]');
  expect(text).not.toMatch(/secret-\d|c2VjcmV0LTI0/);
}

describe('what the request history of the built command keeps of a call', () => {
  it('a header whose name looks like a credential is [redacted], whatever the contract says; the sandbox\'s own headers stay', async () => {
    const secrets = { 'x-api-key': 'secret-1', 'x-auth-token': 'secret-2', 'x-client-secret': 'secret-3', 'x-user-password': 'secret-4', api_key: 'secret-5', 'x-credential': 'secret-6' };
    const { entry, text } = await recordedCall({ headers: { ...secrets, 'x-sandbox-scenario': 'open-cart', 'x-trace': 'kept' } });
    expect(entry.headers).toMatchObject({
      ...Object.fromEntries(Object.keys(secrets).map((name) => [name, '[redacted]'])),
      authorization: '[redacted]',
      'x-sandbox-session': 'contents',
      'x-sandbox-scenario': 'open-cart',
      'x-trace': 'kept',
    });
    expect(text).not.toMatch(/secret-\d/);
  });

  it('by rule: a name with auth, token, secret, pass, pwd, key, session, cookie, jwt, signature or credential, and any Basic, Bearer or Digest value', async () => {
    await expectRedactedByRule([]);
  });

  it('a body of another content type (415) is cut as a JSON one: at most 16 KiB of UTF-8, at a whole character', async () => {
    const sent = `a${'é'.repeat(9_000)}`;
    const { entry } = await recordedCall({ headers: { 'content-type': 'text/plain' }, body: sent });
    expect(entry.status).toBe(415);
    expect(entry.bodyTruncated).toBe(true);
    // 'a' and 8191 'é' (2 bytes each) are 16,383 bytes; one more 'é' would pass the cap.
    expect(entry.body).toBe(`a${'é'.repeat((BODY_CAP_BYTES - 1) >> 1)}`);
    expect(Buffer.byteLength(entry.body ?? '')).toBeLessThanOrEqual(BODY_CAP_BYTES);
  });

  it('--journal-memory bounds the history by its bytes: big bodies push out the oldest calls long before --journal-total', async () => {
    const sandbox = startCli(['--journal-memory', '1', '--journal-size', '200'], LOCAL);
    try {
      const url = await listeningUrl(sandbox.output);
      const session = { authorization: DOCS_BASIC, 'x-sandbox-session': 'budget' };
      const body = JSON.stringify({ reason: 'x'.repeat(BODY_CAP_BYTES) });
      for (let index = 0; index < 60; index += 1) {
        await (await fetch(`${url}${DEACTIVATE_PATH}?customerId=${index + 1}`, { method: 'POST', headers: { ...session, 'content-type': 'application/json' }, body })).text();
      }
      const page = (await (await fetch(`${url}/__sandbox/requests`, { headers: session })).json()) as { data: { total: number; requests: { query: { customerId: string } }[] } };
      // Each entry weighs over 20 KiB (its body's 16 KiB, and the quarter the arena may keep free): 1 MiB keeps fewer than 52 of 60.
      expect(page.data.total).toBeGreaterThan(10);
      expect(page.data.total).toBeLessThan(52);
      expect(page.data.requests[0]?.query.customerId).toBe('60');
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.finished;
    }
  });
});

describeWith(REDIS_URL_SET, 'the request history of the built command on Redis', () => {
  it('redacts by the same rule', async () => {
    await expectRedactedByRule(['--redis', REDIS_URL ?? '']);
  });
});
