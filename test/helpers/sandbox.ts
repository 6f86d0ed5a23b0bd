import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type AppOptions, buildApp } from '../../src/app.js';
import { configWith, type SandboxConfig } from '../../src/config.js';
import type { ResponseMismatch } from '../../src/http/response-check.js';
import { compileContractChecks, type ContractChecks } from '../../src/contract/contract-checks.js';
import { type Contract, loadContract } from '../../src/contract/load-contract.js';
import type { SentResponse } from '../../src/contract/response-validator.js';

let shippedContract: Promise<Contract> | undefined;
let shippedChecks: Promise<ContractChecks> | undefined;

/** The shipped contract, loaded once per test file. */
export function theContract(): Promise<Contract> {
  shippedContract ??= loadContract();
  return shippedContract;
}

/**
 * What an answer no operation owns gets wrong against the shipped contract (the error envelope
 * of a catalogue entry). For the answers `useSandbox` cannot check itself: those Node's parser
 * refuses before Fastify (431, 408, not HTTP), and those Fastify sends for its framework errors
 * (a path parameter too long, a malformed URL) without running the onSend hooks.
 */
export async function unroutedProblems(answer: SentResponse): Promise<string[]> {
  shippedChecks ??= theContract().then((contract) => compileContractChecks(contract));
  return (await shippedChecks).unrouted(answer);
}

/** Basic credentials as the vendor's docs show them (redacted: they do not even decode cleanly). */
export const DOCS_BASIC = 'Basic Z2VvcmdlLmJ1a2w6NNDkxOGFmNDI3MGQ3YzI4ZjU4ZjY3MmNhZjY1ZmY=';
export const PROMOTION_ID = '68fb1e6831d91c625a8d9ef4';
export const DEACTIVATE_PATH = `/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate`;

export interface TestSandbox {
  readonly app: FastifyInstance;
  /** `app.inject`, with the docs' Basic credentials unless the call sets its own headers. */
  inject: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  /** Every log line the sandbox wrote, parsed. */
  readonly logs: Record<string, unknown>[];
}

/**
 * Builds a sandbox for the tests of one `describe`, and fails any test during which the sandbox
 * sent an answer that does not match the contract: every integration test checks every answer.
 */
export function useSandbox(
  overrides: Partial<SandboxConfig> = {},
  contract?: () => Promise<Contract>,
  extra: Pick<AppOptions, 'store'> = {},
): TestSandbox {
  const mismatches: ResponseMismatch[] = [];
  const logs: Record<string, unknown>[] = [];
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    app = await buildApp(configWith({ logLevel: 'info', ...overrides }), {
      ...extra,
      contract: await (contract ?? theContract)(),
      onResponseMismatch: (mismatch) => mismatches.push(mismatch),
      logStream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
    });
    await app.ready();
  });
  afterEach(() => {
    const found = mismatches.splice(0);
    expect(found, 'answers that do not match the contract').toEqual([]);
  });
  afterAll(async () => {
    await app?.close();
  });
  const sandbox: TestSandbox = {
    get app() {
      if (!app) throw new Error('the sandbox is not built yet');
      return app;
    },
    inject: (options) => sandbox.app.inject({ ...options, headers: { authorization: DOCS_BASIC, ...options.headers } }),
    logs,
  };
  return sandbox;
}

export function bodyOf(response: LightMyRequestResponse): { data: unknown; errors: { code: number; message: string }[] } {
  return response.json();
}
