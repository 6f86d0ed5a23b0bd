import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { servesOperation } from '../../src/http/served-operations.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { theContract } from '../helpers/sandbox.js';

// A call the sandbox serves only under a setting (the metrics, the operator calls) is still a
// path of the contract: a tool that checks answers against it (Prism's proxy, Portman) matches
// the answer to that operation, so the 404 the sandbox then gives must be one it documents.

const contract = await theContract();
const checks = compileContractChecks(contract);
const unserved = contract.operations.filter((operation) => !servesOperation(DEFAULT_CONFIG)(operation));

describe('the calls a sandbox with its defaults does not serve', () => {
  const running = stoppedAfterEach();

  it('are some of the contract\'s (the metrics, the operator calls)', () => {
    expect(unserved.length).toBeGreaterThan(0);
  });

  it('answer, from the built command, what their operation documents', async () => {
    const sandbox = startCli([], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    for (const operation of unserved) {
      const path = operation.path.replace(/\{[^}]+\}/g, 'abc');
      const answer = await fetch(`${url}${path}`, { method: operation.method });
      const sent = { statusCode: answer.status, headers: Object.fromEntries(answer.headers), body: await answer.text() };
      expect([operation.operationId, sent.statusCode, checks.responses.get(operation.operationId)?.(sent)]).toEqual([operation.operationId, 404, []]);
    }
  });
});
