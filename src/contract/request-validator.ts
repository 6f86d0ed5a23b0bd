import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { type Catalogue, type CatalogueEntry, REQUIRED_KEYS } from './catalogue.js';
import type { CompileSchema } from './schema-compiler.js';
import type { Operation, Parameter, ParameterLocation } from './operations.js';
import { unhandled } from '../unhandled.js';

/** A request as the HTTP layer received it, before any interpretation. */
export interface RawRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** One thing wrong with a request, as data: where, what, and the documented error it maps to. */
export interface Diagnostic {
  readonly location: ParameterLocation | 'body';
  readonly name: string;
  readonly problem: string;
  readonly error: CatalogueEntry;
}

/** The parameters of a valid request, typed as the contract declares them. */
export type ValidValues = Readonly<Record<string, unknown>>;

/** Each parameter's text as sent (path values without the Markdown backticks); absent: not sent. */
export type ParameterTexts = Readonly<Record<string, string | undefined>>;

export type RequestValidation =
  | { readonly valid: true; readonly values: ValidValues; readonly texts: ParameterTexts; readonly body: unknown }
  | { readonly valid: false; readonly diagnostics: readonly Diagnostic[]; readonly texts: ParameterTexts };

export type RequestValidator = (request: RawRequest) => RequestValidation;

interface CompiledParameter {
  readonly parameter: Parameter;
  /** The schema's types, read once: a value's text is turned into one of them. */
  readonly types: ReadonlySet<string>;
  /** The range of an integer format (int32, int64), checked on the digits themselves. */
  readonly range: IntegerRange | undefined;
  readonly validate: ValidateFunction;
  readonly error: CatalogueEntry;
  /** The name its value is found under: a header's in lower case, as Node gives headers. */
  readonly receivedAs: string;
}

const SHOWN_VALUE_LENGTH = 40;

/**
 * Compiles the checks of one operation's parameters and body, once, at start-up. Values arrive
 * as strings; they are turned into the declared type only when they are exactly that type's
 * text (`"12"` is an integer, `"1e1"` and `" 12"` are not), then checked against the schema.
 */
export function compileRequestValidator(operation: Operation, catalogue: Catalogue, compile: CompileSchema): RequestValidator {
  const errorFor = (name: string): CatalogueEntry =>
    operation.errors.find((entry) => entry.invalidParameter === name) ?? catalogue.get(REQUIRED_KEYS.invalidInput);
  const compiled: CompiledParameter[] = operation.parameters.map((parameter) => ({
    parameter,
    types: new Set([parameter.schema.type ?? []].flat()),
    range: typeof parameter.schema.format === 'string' ? INTEGER_FORMATS[parameter.schema.format] : undefined,
    validate: compile(parameter.schema),
    error: errorFor(parameter.name),
    receivedAs: parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name,
  }));
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const validateBody = bodySchema ? compile(bodySchema) : undefined;
  const bodyRequired = operation.requestBody?.required === true;
  const invalidInput = catalogue.get(REQUIRED_KEYS.invalidInput);
  const declaredQuery = operation.parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
  const takes = declaredQuery.length === 0 ? 'none' : declaredQuery.join(', ');

  return (request) => {
    const diagnostics: Diagnostic[] = [];
    const values: Record<string, unknown> = {};
    const texts: Record<string, string | undefined> = {};
    // Every call passes here: nothing is made for a parameter but its text and value (a problem's words only when there is one).
    for (const checked of compiled) {
      const { parameter, types, range, validate } = checked;
      const raw = rawValue(request, checked);
      texts[parameter.name] = Array.isArray(raw) ? raw[0] : raw;
      if (raw === undefined || (raw === '' && parameter.in === 'path')) {
        if (parameter.required) diagnostics.push(diagnosticOf(checked, 'is required'));
        continue;
      }
      if (Array.isArray(raw)) {
        diagnostics.push(diagnosticOf(checked, `must be given once (got it ${raw.length} times)`));
        continue;
      }
      const outOfRange = range && INTEGER_TEXT.test(raw) ? outside(range, raw) : undefined;
      if (outOfRange) {
        diagnostics.push(diagnosticOf(checked, `${outOfRange} (got ${show(raw)})`));
        continue;
      }
      const value = fromText(raw, types);
      if (!validate(value)) {
        diagnostics.push(diagnosticOf(checked, `${explain(validate.errors)} (got ${show(raw)})`));
        continue;
      }
      values[parameter.name] = value;
    }
    if (operation.refusesUnknownQuery) {
      for (const name in request.query) {
        if (declaredQuery.includes(name)) continue;
        const problem = `Query parameter ${show(name)} is not one ${operation.method} ${operation.path} takes; it takes ${takes}.`;
        diagnostics.push({ location: 'query', name, problem, error: invalidInput });
      }
    }
    if (validateBody) {
      if (request.body === undefined) {
        if (bodyRequired) diagnostics.push({ location: 'body', name: 'body', problem: 'A JSON body is required.', error: invalidInput });
      } else if (!validateBody(request.body)) {
        const at = validateBody.errors?.[0]?.instancePath || '';
        diagnostics.push({ location: 'body', name: 'body', problem: `Body${at ? ` ${at}` : ''} ${explain(validateBody.errors)}.`, error: invalidInput });
      }
    }
    return diagnostics.length > 0 ? { valid: false, diagnostics, texts } : { valid: true, values, texts, body: request.body };
  };
}

function diagnosticOf({ parameter, error }: CompiledParameter, problem: string): Diagnostic {
  return { location: parameter.in, name: parameter.name, problem: `${describe(parameter)} ${problem}.`, error };
}

function rawValue(request: RawRequest, { parameter, receivedAs }: CompiledParameter): string | string[] | undefined {
  switch (parameter.in) {
    case 'path':
      return stripBackticks(request.params[receivedAs]);
    case 'query':
      return request.query[receivedAs];
    case 'header':
      return request.headers[receivedAs];
    default:
      return unhandled('parameter location', parameter.in);
  }
}

/**
 * The vendor's pages print the path as /promotions/`{promotionId}`/deactivate, a Markdown
 * artefact; one pair of backticks around a path value is ignored so the examples work as pasted.
 */
function stripBackticks(value: string | undefined): string | undefined {
  return value !== undefined && value.length >= 2 && value.startsWith('`') && value.endsWith('`') ? value.slice(1, -1) : value;
}

const INTEGER_TEXT = /^-?\d+$/;

interface IntegerRange {
  readonly format: string;
  readonly min: bigint;
  readonly max: bigint;
  /** Up to this many digits a value is within the range whatever they are: no BigInt is made. */
  readonly safeDigits: number;
}

/**
 * The ranges of OpenAPI's integer formats. A number past 2^53 loses its last digits as a
 * JavaScript (or JSON) number, so `9223372036854775808` would pass a `maximum` of
 * 9223372036854775807: the digits are compared as a BigInt, before they become a number.
 */
const INTEGER_FORMATS: Readonly<Record<string, IntegerRange | undefined>> = {
  int32: { format: 'int32', min: -(2n ** 31n), max: 2n ** 31n - 1n, safeDigits: 9 },
  int64: { format: 'int64', min: -(2n ** 63n), max: 2n ** 63n - 1n, safeDigits: 18 },
};

function outside({ format, min, max, safeDigits }: IntegerRange, digits: string): string | undefined {
  if (digits.length - (digits.startsWith('-') ? 1 : 0) <= safeDigits) return undefined;
  const value = BigInt(digits);
  if (value > max) return `must be at most ${max}, the largest ${format}`;
  if (value < min) return `must be at least ${min}, the smallest ${format}`;
  return undefined;
}
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function fromText(raw: string, types: ReadonlySet<string>): unknown {
  if (types.has('string')) return raw;
  if (types.has('integer') && INTEGER_TEXT.test(raw)) return Number(raw);
  if (types.has('number') && NUMBER_TEXT.test(raw)) return Number(raw);
  if (types.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** How an error message names where a parameter is. */
const PLACE_NAMES = { path: 'Path', query: 'Query', header: 'Header' } as const satisfies Record<ParameterLocation, string>;

function describe(parameter: Parameter): string {
  return `${PLACE_NAMES[parameter.in]} parameter ${parameter.name}`;
}

function explain(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'is invalid';
  if (first.keyword === 'type') return `must be ${article(String(first.params.type))}`;
  // Ajv lists what each alternative of an anyOf wanted, then the anyOf: a value is told every form it may take.
  if (errors.at(-1)?.keyword === 'anyOf') return alternatives(errors.slice(0, -1).map((error) => error.message ?? 'is invalid'));
  return first.message ?? 'is invalid';
}

/** `must match format "a"`, `must match format "b"` → `must match format "a" or format "b"`. */
function alternatives(messages: readonly string[]): string {
  const shared = 'must match ';
  return messages.every((message) => message.startsWith(shared))
    ? `${shared}${messages.map((message) => message.slice(shared.length)).join(' or ')}`
    : messages.join(' or ');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(raw: string): string {
  const shown = raw.length > SHOWN_VALUE_LENGTH ? `${raw.slice(0, SHOWN_VALUE_LENGTH)}…` : raw;
  return JSON.stringify(shown);
}
