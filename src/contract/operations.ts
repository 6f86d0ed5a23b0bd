import type { OpenAPIV3_1 } from 'openapi-types';
import { type Catalogue, type CatalogueEntry, entriesReferencedBy } from './catalogue.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Where a parameter of an operation the sandbox serves can be (a cookie parameter stops start-up). */
export const PARAMETER_LOCATIONS = ['path', 'query', 'header'] as const;
export type ParameterLocation = (typeof PARAMETER_LOCATIONS)[number];

export type Parameter = Omit<OpenAPIV3_1.ParameterObject, 'in'> & { readonly in: ParameterLocation; schema: OpenAPIV3_1.SchemaObject };

/** One operation of the contract, with every `$ref` resolved: what routing and validation need. */
export interface Operation {
  readonly operationId: string;
  readonly method: Uppercase<HttpMethod>;
  /** The OpenAPI path template, e.g. `/api_gateway/v1/promotions/{promotionId}/deactivate`. */
  readonly path: string;
  readonly tags: readonly string[];
  readonly parameters: readonly Parameter[];
  readonly requestBody: OpenAPIV3_1.RequestBodyObject | undefined;
  readonly responses: Readonly<Record<string, OpenAPIV3_1.ResponseObject>>;
  /** The effective security requirements; empty means the call needs no credentials. */
  readonly security: readonly OpenAPIV3_1.SecurityRequirementObject[];
  /** The documented errors of this operation, from the catalogue. */
  readonly errors: readonly CatalogueEntry[];
  /** A query parameter the operation does not declare is refused (400), not ignored (`x-sandbox-unknown-query`). */
  readonly refusesUnknownQuery: boolean;
  /** Served by the docs page's own routes (`x-sandbox-served-by: docs-page`), not by a route made from the contract. */
  readonly servedByDocsPage: boolean;
}

/**
 * The contract declares every path the sandbox answers, the docs page's too (`/docs`,
 * `/openapi.json`, `/openapi.yaml`), so a client reading it knows them; those are served by
 * @fastify/swagger-ui and the docs page's routes, so the contract-driven routes must not be made
 * for them again (Fastify refuses a route twice).
 */
export const SERVED_BY_KEY = 'x-sandbox-served-by';
const SERVED_BY_CHOICES = ['docs-page'];

/**
 * What an operation does with a query parameter it does not declare: `ignore` (the default, as a
 * gateway reading only its own parameters does), or `refuse`, so that a mistyped filter of the
 * sandbox's own calls (`stauts=400`) is never taken for no filter.
 */
export const UNKNOWN_QUERY_KEY = 'x-sandbox-unknown-query';
const UNKNOWN_QUERY_CHOICES = ['ignore', 'refuse'];

const SUPPORTED_PARAMETER_LOCATIONS = new Set<string>(PARAMETER_LOCATIONS);
const SUPPORTED_MEDIA_TYPES = new Set(['application/json']);

/**
 * Lists the operations of the document. Anything the sandbox cannot serve faithfully (a cookie
 * parameter, a non-default style, a body that is not JSON) is reported, not silently ignored.
 */
export function readOperations(
  authored: OpenAPIV3_1.Document,
  dereferenced: OpenAPIV3_1.Document,
  catalogue: Catalogue,
  problems: string[],
): Operation[] {
  const operations: Operation[] = [];
  const seenIds = new Set<string>();
  for (const [path, pathItem] of Object.entries(dereferenced.paths ?? {})) {
    if (!pathItem) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const where = `paths/${path}/${method}`;
      const operationId = operation.operationId;
      if (!operationId) {
        problems.push(`${where}: operationId is required (routes, scenarios and coverage use it)`);
        continue;
      }
      if (seenIds.has(operationId)) problems.push(`${where}: operationId ${operationId} is used twice`);
      seenIds.add(operationId);

      const parameters = mergeParameters(pathItem.parameters, operation.parameters);
      for (const parameter of parameters) checkParameter(parameter, `${where} parameter ${parameter.name}`, problems);
      const requestBody = operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      for (const mediaType of Object.keys(requestBody?.content ?? {})) {
        if (!SUPPORTED_MEDIA_TYPES.has(mediaType)) problems.push(`${where}: request body ${mediaType} is not supported`);
      }
      const authoredResponses = (authored.paths?.[path]?.[method]?.responses ?? {}) as Record<string, unknown>;
      const unknownQuery = (operation as Record<string, unknown>)[UNKNOWN_QUERY_KEY] ?? 'ignore';
      if (typeof unknownQuery !== 'string' || !UNKNOWN_QUERY_CHOICES.includes(unknownQuery)) {
        problems.push(`${where}: ${UNKNOWN_QUERY_KEY} must be one of ${UNKNOWN_QUERY_CHOICES.join(', ')}`);
      }
      const servedBy = (operation as Record<string, unknown>)[SERVED_BY_KEY];
      if (servedBy !== undefined && (typeof servedBy !== 'string' || !SERVED_BY_CHOICES.includes(servedBy))) {
        problems.push(`${where}: ${SERVED_BY_KEY} must be one of ${SERVED_BY_CHOICES.join(', ')}`);
      }
      operations.push({
        operationId,
        method: method.toUpperCase() as Uppercase<HttpMethod>,
        path,
        tags: operation.tags ?? [],
        parameters: parameters as Parameter[],
        requestBody,
        responses: (operation.responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>,
        security: operation.security ?? dereferenced.security ?? [],
        errors: entriesReferencedBy(authoredResponses, authored, catalogue, where, problems),
        refusesUnknownQuery: unknownQuery === 'refuse',
        servedByDocsPage: servedBy === 'docs-page',
      });
    }
  }
  return operations;
}

/** Operation-level parameters override path-level ones with the same name and location. */
function mergeParameters(
  pathLevel: OpenAPIV3_1.PathItemObject['parameters'],
  operationLevel: OpenAPIV3_1.OperationObject['parameters'],
): OpenAPIV3_1.ParameterObject[] {
  const merged = new Map<string, OpenAPIV3_1.ParameterObject>();
  for (const parameter of [...(pathLevel ?? []), ...(operationLevel ?? [])] as OpenAPIV3_1.ParameterObject[]) {
    merged.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  return [...merged.values()];
}

function checkParameter(parameter: OpenAPIV3_1.ParameterObject, where: string, problems: string[]): void {
  if (!SUPPORTED_PARAMETER_LOCATIONS.has(parameter.in)) problems.push(`${where}: parameters in ${parameter.in} are not supported`);
  if (parameter.style !== undefined || parameter.explode !== undefined) {
    problems.push(`${where}: only the default style is supported`);
  }
  if (!parameter.schema) problems.push(`${where}: a schema is required`);
  if (parameter.in === 'path' && !parameter.required) problems.push(`${where}: path parameters must be required`);
}
