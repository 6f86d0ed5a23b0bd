// What each peer is given to answer the bench's call, made from the contract, never written by
// hand. Prism reads the contract as it is. WireMock has no OpenAPI reader: it gets one stub
// mapping for the operation, its method and path template, its required query parameters, and
// the contract's success example as the body. Mockoon's OpenAPI import makes a response's default
// body from its schema alone, taking a media type's `example` for nothing (it made 143 bytes of
// made-up codes here, @mockoon/commons openapi-converter), but it answers a schema's own
// `example`: so it gets the contract with each response's example also set on that response's
// schema, nothing else changed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse as parseYaml } from 'yaml';
import { CONTRACT_PATH, type ContractReplies } from './contract-replies.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The WireMock stub mapping of the bench's operation (https://wiremock.org/docs/stubbing/). */
export function wiremockMapping(replies: ContractReplies): Record<string, unknown> {
  const { operation, success } = replies;
  const urlPathPattern = operation.path
    .split(/(\{[^}]+\})/)
    .map((piece) => (piece.startsWith('{') ? '[^/]+' : escapeRegExp(piece)))
    .join('');
  const requiredQuery = operation.parameters.filter((parameter) => parameter.in === 'query' && parameter.required);
  return {
    name: operation.operationId,
    request: {
      method: operation.method,
      urlPathPattern,
      ...(requiredQuery.length > 0 ? { queryParameters: Object.fromEntries(requiredQuery.map((parameter) => [parameter.name, { matches: '.+' }])) } : {}),
    },
    // The body as text, so that WireMock sends a Content-Length as the others do (a jsonBody is chunked).
    response: { status: success.status, body: JSON.stringify(success.body), headers: { 'Content-Type': 'application/json; charset=utf-8' } },
  };
}

/** A WireMock root folder holding the mapping; returns its path. */
export function writeWiremockRoot(folder: string, replies: ContractReplies): string {
  mkdirSync(join(folder, 'mappings'), { recursive: true });
  mkdirSync(join(folder, '__files'), { recursive: true });
  writeFileSync(join(folder, 'mappings', `${replies.operation.operationId}.json`), JSON.stringify(wiremockMapping(replies), null, 2));
  return folder;
}

type Responses = Record<string, OpenAPIV3_1.ResponseObject | OpenAPIV3_1.ReferenceObject>;

function restateExamples(responses: Responses | undefined): void {
  for (const response of Object.values(responses ?? {})) {
    if ('$ref' in response) continue; // restated where it is defined, under components
    for (const media of Object.values(response.content ?? {})) {
      if (media.example !== undefined && media.schema) media.schema = { allOf: [media.schema], example: media.example as unknown };
    }
  }
}

/** The contract for Mockoon's import, each response's example also on its schema; returns the file. */
export function writeMockoonContract(file: string): string {
  const document = parseYaml(readFileSync(CONTRACT_PATH, 'utf8')) as OpenAPIV3_1.Document;
  restateExamples(document.components?.responses);
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      if (typeof operation === 'object' && operation !== null && 'responses' in operation) restateExamples(operation.responses);
    }
  }
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
