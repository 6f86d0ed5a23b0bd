import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Contract } from './load-contract.js';
import { ContractError } from './load-contract.js';
import { compileRequestValidator, type RequestValidator } from './request-validator.js';
import { compileEnvelopeValidator, compileResponseValidator, type ResponseValidator } from './response-validator.js';
import { createSchemaCompiler } from './schema-compiler.js';

/** Every check the contract implies, compiled once at start-up, by operationId. */
export interface ContractChecks {
  readonly requests: ReadonlyMap<string, RequestValidator>;
  readonly responses: ReadonlyMap<string, ResponseValidator>;
  /** For answers no operation owns (unknown path, wrong method): the error envelope. */
  readonly unrouted: ResponseValidator;
  /** The schema compiler, shared: creating one costs start-up time. */
  readonly ajv: Ajv2020;
}

/**
 * Compiles all request and response schemas of the contract, whether or not responses are
 * checked at run time, so a schema the sandbox does not understand stops start-up with its place.
 */
export function compileContractChecks(contract: Contract): ContractChecks {
  const ajv = createSchemaCompiler(contract.dereferenced);
  const problems: string[] = [];
  const requests = new Map<string, RequestValidator>();
  const responses = new Map<string, ResponseValidator>();
  for (const operation of contract.operations) {
    try {
      requests.set(operation.operationId, compileRequestValidator(operation, contract.catalogue, ajv));
      responses.set(operation.operationId, compileResponseValidator(operation, ajv));
    } catch (error) {
      problems.push(`${operation.operationId}: ${(error as Error).message}`);
    }
  }
  let unrouted: ResponseValidator | undefined;
  try {
    unrouted = compileEnvelopeValidator(contract, ajv);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || !unrouted) throw new ContractError(contract.sourcePath, problems);
  return { requests, responses, unrouted, ajv };
}
