// The benches compare the sandbox with servers that must answer the same call alike: bare Fastify
// with the sandbox's status, body and headers for each load shape (none of its work), WireMock and
// Mockoon with the contract's documented success. If the contract or the sandbox's answers move,
// the peers' replies move with them, or this fails.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBare, startSandbox } from '../../bench/bench-servers.js';
import { contractReplies, FORCED_SCENARIO } from '../../bench/contract-replies.js';
import { basic, PATH } from '../../bench/load.js';
import { wiremockMapping, writeMockoonContract } from '../../bench/peer-stubs.js';
import { type ServerProcess, stopServer } from '../../bench/server-process.js';

const CALLS = {
  'happy path': { method: 'POST', path: `${PATH}?customerId=41`, headers: { authorization: basic(0) } },
  'forced error': { method: 'POST', path: `${PATH}?customerId=1`, headers: { authorization: basic(0), 'x-sandbox-scenario': FORCED_SCENARIO } },
  'global call': { method: 'PUT', path: PATH, headers: { authorization: basic(0) } },
} as const;

async function answer(server: ServerProcess, call: (typeof CALLS)[keyof typeof CALLS]) {
  const response = await fetch(`${server.url}${call.path}`, { method: call.method, headers: call.headers });
  const body = await response.text();
  return {
    status: response.status,
    body,
    contentType: response.headers.get('content-type'),
    requestIdLength: response.headers.get('x-cap-requestid')?.length,
    scenario: response.headers.get('x-sandbox-scenario'),
  };
}

describe('bare Fastify in the benches', () => {
  let bare: ServerProcess;
  let sandbox: ServerProcess;
  beforeAll(async () => {
    [bare, sandbox] = await Promise.all([contractReplies().then((replies) => startBare(replies)), startSandbox()]);
  });
  afterAll(async () => {
    await Promise.all([bare, sandbox].filter(Boolean).map((server) => stopServer(server)));
  });

  for (const [name, call] of Object.entries(CALLS)) {
    it(`answers the ${name} as the sandbox does: status, body and headers of the same size`, async () => {
      expect(await answer(bare, call)).toEqual(await answer(sandbox, call));
    });
  }
});

describe("the peers' stubs, made from the contract", () => {
  it("WireMock's mapping matches the bench's call and answers the documented success", async () => {
    const replies = await contractReplies();
    const mapping = wiremockMapping(replies) as { request: { method: string; urlPathPattern: string; queryParameters: Record<string, unknown> }; response: { status: number; body: string } };
    expect(mapping.request.method).toBe('POST');
    expect(new RegExp(`^${mapping.request.urlPathPattern}$`).test(PATH)).toBe(true);
    expect(Object.keys(mapping.request.queryParameters)).toEqual(['customerId']);
    expect(mapping.response.status).toBe(replies.success.status);
    expect(JSON.parse(mapping.response.body)).toEqual(replies.success.body);
  });

  it("Mockoon's copy of the contract carries each response's example on its schema", () => {
    const file = writeMockoonContract(join(tmpdir(), `mockoon-contract-${process.pid}.json`));
    const document = JSON.parse(readFileSync(file, 'utf8')) as { components: { responses: Record<string, { content?: Record<string, { example?: unknown; schema?: { example?: unknown } }> }> } };
    const media = document.components.responses.Deactivated?.content?.['application/json'];
    expect(media?.example).toBeDefined();
    expect(media?.schema?.example).toEqual(media?.example);
  });
});
