import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Contract } from './load-contract.js';
import type { CompileSchema } from './schema-compiler.js';
import type { Operation } from './operations.js';

/** An answer as sent: status, headers (lower-case names) and the raw body text. */
export interface SentResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/** What a response got wrong against the contract; empty when it conforms. */
export type ResponseProblems = string[];

export type ResponseValidator = (response: SentResponse) => ResponseProblems;

interface CompiledResponse {
  readonly validateBody: ValidateFunction | undefined;
  /** The media types declared besides JSON (`text/plain`), whose bodies have no schema to check. */
  readonly otherMediaTypes: readonly string[];
  readonly requiredHeaders: readonly string[];
  /** Every header this response declares, required or not (lower-case names). */
  readonly declaredHeaders: ReadonlySet<string>;
  /** Error codes documented for this status (from its catalogue examples); empty: any code. */
  readonly documentedCodes: ReadonlySet<number>;
}

/**
 * Compiles, per operation, the check that an answer is one the contract declares: the status is
 * declared, required headers are present, headers of the contract's own (`contractHeaders`, from
 * components/headers) are sent only where declared, and the body validates against the declared
 * schema. Used at run time by `--validate-responses` and by every integration test.
 */
export function compileResponseValidator(operation: Operation, compile: CompileSchema, contractHeaders: ReadonlySet<string>): ResponseValidator {
  const byStatus = new Map<string, CompiledResponse>();
  for (const [status, response] of Object.entries(operation.responses)) {
    const schema = response.content?.['application/json']?.schema;
    byStatus.set(status, {
      validateBody: schema ? compile(schema) : undefined,
      otherMediaTypes: Object.keys(response.content ?? {}).filter((type) => type !== 'application/json'),
      requiredHeaders: Object.entries(response.headers ?? {})
        .filter(([, header]) => (header as OpenAPIV3_1.HeaderObject).required === true)
        .map(([name]) => name.toLowerCase()),
      declaredHeaders: new Set(Object.keys(response.headers ?? {}).map((name) => name.toLowerCase())),
      documentedCodes: new Set(
        operation.errors.filter((entry) => String(entry.httpStatus) === status).map((entry) => entry.code),
      ),
    });
  }
  return (sent) => {
    const status = String(sent.statusCode);
    const declared = byStatus.get(status) ?? byStatus.get(`${status[0]}XX`) ?? byStatus.get('default');
    if (!declared) return [`${operation.operationId}: status ${status} is not declared`];
    const problems: string[] = [];
    for (const header of declared.requiredHeaders) {
      if (sent.headers[header] === undefined) problems.push(`${operation.operationId} ${status}: header ${header} is missing`);
    }
    for (const header of contractHeaders) {
      if (sent.headers[header] !== undefined && !declared.declaredHeaders.has(header)) {
        problems.push(`${operation.operationId} ${status}: header ${header} is sent but not declared for this status`);
      }
    }
    if (declared.validateBody) {
      const checked = checkJsonBody(`${operation.operationId} ${status}`, sent, declared.validateBody);
      problems.push(...checked.problems);
      for (const code of errorCodesOf(checked.body)) {
        if (declared.documentedCodes.size > 0 && !declared.documentedCodes.has(code)) {
          problems.push(`${operation.operationId} ${status}: error code ${code} is not documented for this status`);
        }
      }
    } else if (declared.otherMediaTypes.length > 0) {
      // A text the contract gives no schema to (the Prometheus metrics): only its type is checked.
      const contentType = typeof sent.headers['content-type'] === 'string' ? sent.headers['content-type'] : '';
      if (!declared.otherMediaTypes.some((type) => contentType.startsWith(type))) {
        problems.push(`${operation.operationId} ${status}: content-type is ${contentType || 'missing'}, not ${declared.otherMediaTypes.join(' or ')}`);
      }
    } else if (sent.body !== '') {
      problems.push(`${operation.operationId} ${status}: a body is sent but none is declared`);
    }
    return problems;
  };
}

/**
 * For answers no operation owns (unknown path, wrong method, a URL too long): the error envelope,
 * with a code and HTTP status of a catalogue entry, since every error the sandbox answers is one.
 */
export function compileEnvelopeValidator(contract: Contract, compile: CompileSchema): ResponseValidator {
  const schema = contract.dereferenced.components?.schemas?.ErrorEnvelope;
  if (!schema) throw new Error('the contract has no components/schemas/ErrorEnvelope');
  const validate = compile(schema);
  const catalogued = new Set(contract.catalogue.entries.map((entry) => `${entry.httpStatus} ${entry.code}`));
  return (sent) => {
    const where = `unrouted ${sent.statusCode}`;
    const checked = checkJsonBody(where, sent, validate);
    const problems = [...checked.problems];
    for (const code of errorCodesOf(checked.body)) {
      if (!catalogued.has(`${sent.statusCode} ${code}`)) problems.push(`${where}: error code ${code} is no catalogue entry's for this status`);
    }
    return problems;
  };
}

/** The problems of a JSON body against its schema, and the body parsed (undefined if it is not JSON). */
function checkJsonBody(where: string, sent: SentResponse, validate: ValidateFunction): { problems: string[]; body: unknown } {
  const contentType = typeof sent.headers['content-type'] === 'string' ? sent.headers['content-type'] : '';
  if (!contentType.startsWith('application/json')) return { problems: [`${where}: content-type is ${contentType || 'missing'}, not application/json`], body: undefined };
  let body: unknown;
  try {
    body = JSON.parse(sent.body);
  } catch {
    return { problems: [`${where}: the body is not JSON`], body: undefined };
  }
  if (validate(body)) return { problems: [], body };
  return { problems: (validate.errors ?? []).map((error) => `${where}: body${error.instancePath} ${error.message ?? 'is invalid'}`), body };
}

function errorCodesOf(body: unknown): number[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors)
    ? errors.map((error) => (error as { code?: unknown } | null)?.code).filter((code): code is number => typeof code === 'number')
    : [];
}
