import type { Operation, Parameter, ParameterLocation } from './operations.js';
import type { RawRequest } from './request-validator.js';

/** Values for an operation's parameters, by parameter name, as the text a request carries. */
export type ParameterValues = Readonly<Record<string, string | undefined>>;

/** The parameter's example as a request carries it, when it has one a URL or header can hold. */
export function exampleText(parameter: Parameter): string | undefined {
  const example: unknown = parameter.example;
  return typeof example === 'string' || typeof example === 'number' ? String(example) : undefined;
}

/**
 * Each parameter's text in a call of the operation made of `values`: the value given, else, for
 * a required parameter, the contract's example of it (so a caller names only what it cares
 * about, and the call is still one the contract accepts); absent for the others.
 */
export function callTexts(operation: Operation, values: ParameterValues): Record<string, string | undefined> {
  return Object.fromEntries(
    operation.parameters.map((parameter) => [parameter.name, values[parameter.name] ?? (parameter.required ? exampleText(parameter) : undefined)]),
  );
}

/**
 * The path and query of a call of the operation: its path template with every path parameter
 * filled in, and the query parameters that have a text (see `callTexts`). A path parameter with
 * neither a value nor an example is an error: no URL can leave it out.
 */
export function callUrl(operation: Operation, values: ParameterValues): string {
  const texts = callTexts(operation, values);
  const path = operation.path.replace(/\{([^}]+)\}/g, (_placeholder, name: string) => {
    const text = texts[name];
    if (text === undefined) throw new Error(`${operation.operationId}: no value and no example for the path parameter ${name}`);
    return encodeURIComponent(text);
  });
  const query = new URLSearchParams();
  for (const parameter of operation.parameters.filter((candidate) => candidate.in === 'query')) {
    const text = texts[parameter.name];
    if (text !== undefined) query.set(parameter.name, text);
  }
  const search = query.toString();
  return search === '' ? path : `${path}?${search}`;
}

/** The call as the HTTP layer would receive it, for the contract's request check. */
export function callRequest(operation: Operation, values: ParameterValues): RawRequest {
  const texts = callTexts(operation, values);
  const located = (location: ParameterLocation, key: (name: string) => string = (name) => name) =>
    Object.fromEntries(operation.parameters.filter((parameter) => parameter.in === location).map((parameter) => [key(parameter.name), texts[parameter.name]]));
  return { params: located('path'), query: located('query'), headers: located('header', (name) => name.toLowerCase()), body: undefined };
}
