import { describe, expect, it } from 'vitest';
import { DEACTIVATE_PATH, useSandbox } from '../helpers/sandbox.js';

// The logs follow the request history's rule: whatever a change logs of a request's headers,
// a credential-like one comes out as [redacted].
describe('credentials in the logs', () => {
  const sandbox = useSandbox({ logLevel: 'debug' });
  const headers = {
    'x-api-key': 'secret-1',
    'x-auth-token': 'secret-2',
    cookie: 'secret-3',
    'x-pwd': 'secret-4',
    'x-private-key': 'secret-5',
    'x-jwt': 'secret-6',
    'x-api-token': 'secret-7',
    'x-session-id': 'secret-8',
    'x-upstream': 'Bearer secret-9',
    'x-forwarded': ['one', 'Digest username="secret-10"'],
    'x-sandbox-session': 'logs',
    'x-trace': 'kept',
  };

  it('headers logged by any line are redacted by name and by value, the sandbox\'s own and others kept', () => {
    sandbox.app.log.info({ headers }, 'some headers');
    const line = sandbox.logs.find((logged) => logged.msg === 'some headers');
    const { 'x-sandbox-session': session, 'x-trace': trace, ...secrets } = headers;
    expect(line?.headers).toEqual({ ...Object.fromEntries(Object.keys(secrets).map((name) => [name, '[redacted]'])), 'x-sandbox-session': session, 'x-trace': trace });
    expect(JSON.stringify(line)).not.toMatch(/secret-\d/);
  });

  // A guard: no line logs a request's headers today, and none may start to.
  it('the line per request at debug carries none of them', async () => {
    const before = sandbox.logs.length;
    await sandbox.inject({ method: 'POST', url: `${DEACTIVATE_PATH}?customerId=1&earnId=null`, headers });
    const lines = sandbox.logs.slice(before);
    expect(lines.some((logged) => logged.msg === 'request')).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/secret-\d/);
  });
});
