import type { OpenAPIV3_1 } from 'openapi-types';
import type { Contract } from './load-contract.js';

/**
 * The document `/openapi.json` and `/docs` serve: the authored contract, plus sections generated
 * from it so the page shows what the catalogue says without anyone restating it by hand.
 */
export function servedDocument(contract: Contract): OpenAPIV3_1.Document {
  const document: OpenAPIV3_1.Document = structuredClone(contract.document);
  document.info.description = `${document.info.description ?? ''}\n${catalogueSection(contract)}`;
  return document;
}

/** The error catalogue as a Markdown table: code, key, HTTP status, operations, message, condition. */
export function catalogueSection(contract: Contract): string {
  const rows = contract.catalogue.entries.map((entry) => {
    const operations = contract.operations
      .filter((operation) => operation.errors.includes(entry))
      .map((operation) => `\`${operation.operationId}\``)
      .join(', ');
    const key = entry.keySource === 'vendor' ? `\`${entry.key}\`` : `\`${entry.key}\` (sandbox's key)`;
    return `| ${entry.code} | ${key} | ${entry.httpStatus} | ${operations || 'any'} | ${cell(entry.message)} | ${cell(entry.condition)} |`;
  });
  return [
    '## Error catalogue',
    '',
    'Every error the sandbox answers, read from `components/examples` of this document.',
    '',
    '| Code | Key | HTTP | Operations | Message | When |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
