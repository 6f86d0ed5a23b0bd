import type { Contract } from './load-contract.js';
import { ContractError } from './load-contract.js';
import { compileRequestValidator, type RequestValidator } from './request-validator.js';
import { compileEnvelopeValidator, compileResponseValidator, type ResponseValidator } from './response-validator.js';
import type { CompileSchema } from './schema-compiler.js';
import { schemaCompilerFor } from './stored-validators.js';

/** Every check the contract implies, compiled once at start-up, by operationId. */
export interface ContractChecks {
  readonly requests: ReadonlyMap<string, RequestValidator>;
  readonly responses: ReadonlyMap<string, ResponseValidator>;
  /** For answers no operation owns (unknown path, wrong method): the error envelope of a catalogue entry. */
  readonly unrouted: ResponseValidator;
  /** The schema compiler, shared (the scenario schema too): creating one costs start-up time. */
  readonly compile: CompileSchema;
}

/**
 * Compiles all request and response schemas of the contract, whether or not responses are
 * checked at run time, so a schema the sandbox does not understand stops start-up with its place.
 */
export function compileContractChecks(contract: Contract, compile: CompileSchema = schemaCompilerFor(contract)): ContractChecks {
  const problems: string[] = [];
  const requests = new Map<string, RequestValidator>();
  const responses = new Map<string, ResponseValidator>();
  // The contract's own headers (X-Sandbox-Scenario, the rate-limit ones…) must be declared where sent.
  const contractHeaders = new Set(Object.keys(contract.dereferenced.components?.headers ?? {}).map((name) => name.toLowerCase()));
  for (const operation of contract.operations) {
    try {
      requests.set(operation.operationId, compileRequestValidator(operation, contract.catalogue, compile));
      responses.set(operation.operationId, compileResponseValidator(operation, compile, contractHeaders));
    } catch (error) {
      problems.push(`${operation.operationId}: ${(error as Error).message}`);
    }
  }
  let unrouted: ResponseValidator | undefined;
  try {
    unrouted = compileEnvelopeValidator(contract, compile);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || !unrouted) throw new ContractError(contract.sourcePath, problems);
  return { requests, responses, unrouted, compile };
}
