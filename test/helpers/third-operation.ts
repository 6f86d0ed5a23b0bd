import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONTRACT_PATH } from '../../src/contract/load-contract.js';

export const THIRD_OPERATION_ID = 'revokeEarnWithReason';
/** Its path template: two path parameters, unlike the vendor's calls. */
export const THIRD_OPERATION_PATH = '/api_gateway/v1/promotions/{promotionId}/earns/{earnId}/revoke';
export const THIRD_OPERATION_EARN_EXAMPLE = '0000000000000000000ea111';
export const THIRD_OPERATION_REASON_EXAMPLE = 'DUPLICATE';

/**
 * A copy of the shipped contract with a third vendor operation on a path of its own (a write, a
 * POST, with two path parameters and a required query parameter of its own), for checking that
 * what is built per operation is built from the contract, not from a list of the operations it
 * has now.
 */
export function contractWithThirdOperation(): string {
  const document = parse(readFileSync(DEFAULT_CONTRACT_PATH, 'utf8')) as { paths: Record<string, unknown> };
  document.paths[THIRD_OPERATION_PATH] = {
    post: {
      operationId: THIRD_OPERATION_ID,
      tags: ['promotions'],
      summary: 'Revoke one earn, saying why (a test-only operation)',
      parameters: [
        { $ref: '#/components/parameters/PromotionId' },
        { name: 'earnId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{24}$' }, example: THIRD_OPERATION_EARN_EXAMPLE },
        { name: 'reason', in: 'query', required: true, schema: { type: 'string', enum: ['DUPLICATE', 'FRAUD'] }, example: THIRD_OPERATION_REASON_EXAMPLE },
        { $ref: '#/components/parameters/Prefer' },
        { $ref: '#/components/parameters/SandboxSession' },
      ],
      responses: {
        '200': { $ref: '#/components/responses/Deactivated' },
        '400': {
          description: 'Invalid input.',
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ErrorEnvelope' },
              examples: { 'GLOBAL.INVALID_INPUT': { $ref: '#/components/examples/GLOBAL.INVALID_INPUT' } },
            },
          },
        },
        '401': { $ref: '#/components/responses/Unauthorized' },
        '404': {
          description: 'No such promotion.',
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/ErrorEnvelope' },
              examples: { 'GLOBAL.PROMOTION_NOT_FOUND': { $ref: '#/components/examples/GLOBAL.PROMOTION_NOT_FOUND' } },
            },
          },
        },
      },
    },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'third-operation-')), 'promotions.yaml');
  writeFileSync(file, stringify(document));
  return file;
}
