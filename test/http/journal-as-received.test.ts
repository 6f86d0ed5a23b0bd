import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RECORDED_VALUES_CAP, operationJournal } from '../../src/http/journal.js';
import { credentialHeaderTest } from '../../src/http/credential-headers.js';
import type { JournalStore, RecordedCall, ShowHeaders } from '../../src/world/journal-store.js';
import { theContract } from '../helpers/sandbox.js';

const BASIC = 'Basic aGlzdG9yeTpzZWNyZXQ=';

/** What a store was given: by `record` (a copy) or by `recordAsReceived` (the request's own values). */
interface Given {
  readonly how: 'record' | 'recordAsReceived';
  readonly call: RecordedCall;
  readonly showHeaders?: ShowHeaders;
}

function storeOf(keepsAsReceived: boolean, given: Given[]): JournalStore {
  const store: JournalStore = {
    record: (_tenant, call) => void given.push({ how: 'record', call }),
    journal: () => Promise.resolve(undefined),
    clearJournal: () => Promise.resolve(),
  };
  return keepsAsReceived ? { ...store, recordAsReceived: (_tenant, call, showHeaders) => void given.push({ how: 'recordAsReceived', call, showHeaders }) } : store;
}

function callWith(headers: Record<string, string>): { request: FastifyRequest; reply: FastifyReply } {
  const request = {
    tenant: 'tenant',
    journaled: false,
    id: 'request-1',
    method: 'POST',
    url: '/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=1',
    query: { customerId: '1' },
    headers,
    rawBody: undefined,
    scenarioName: undefined,
    answerCode: undefined,
  } as unknown as FastifyRequest;
  return { request, reply: { statusCode: 200, elapsedTime: 1 } as FastifyReply };
}

describe('the journal records a call', () => {
  const record = async (keepsAsReceived: boolean, headers: Record<string, string>) => {
    const contract = await theContract();
    const operation = contract.operations.find((candidate) => candidate.operationId === 'deactivatePromotionForCustomer');
    if (!operation) throw new Error('the contract has no deactivatePromotionForCustomer');
    const given: Given[] = [];
    const { request, reply } = callWith(headers);
    void operationJournal(storeOf(keepsAsReceived, given), operation, credentialHeaderTest(contract)).record(request, reply);
    expect(given).toHaveLength(1);
    return { request, given: given[0] as Given };
  };

  it('as received, in a store that keeps calls in the process: the request\'s own objects, its credentials redacted when shown', async () => {
    const { request, given } = await record(true, { host: 'sandbox', authorization: BASIC, 'x-upstream': 'Bearer abc', 'x-trace': 'kept' });
    expect(given.how).toBe('recordAsReceived');
    expect(given.call.headers).toBe(request.headers);
    expect(given.call.query).toBe(request.query);
    expect(given.showHeaders?.(given.call.headers)).toEqual({ host: 'sandbox', authorization: '[redacted]', 'x-upstream': '[redacted]', 'x-trace': 'kept' });
  });

  it('as a redacted copy past the caps, as for a store outside the process', async () => {
    const crowded = Object.fromEntries(Array.from({ length: RECORDED_VALUES_CAP + 1 }, (_, index) => [`x-${String(index)}`, 'v']));
    const past = await record(true, { authorization: BASIC, ...crowded });
    expect(past.given.how).toBe('record');
    expect(past.given.call).toMatchObject({ headersTruncated: true, headers: { authorization: '[redacted]' } });
    const outside = await record(false, { authorization: BASIC, 'x-trace': 'kept' });
    expect(outside.given.how).toBe('record');
    expect(outside.given.call.headers).not.toBe(outside.request.headers);
    expect(outside.given.call.headers).toEqual({ authorization: '[redacted]', 'x-trace': 'kept' });
  });
});
