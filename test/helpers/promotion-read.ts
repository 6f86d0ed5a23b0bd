import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONTRACT_PATH } from '../../src/contract/load-contract.js';

/** The fixture's world read: an operation the shipped contract lacks, with a rule of its own (src/rules/read-promotion.ts). */
export const PROMOTION_READ_ID = 'getPromotion';
export const PROMOTION_READ_PATH = '/api_gateway/v1/promotions/{promotionId}';
/** In the fixture's scenarios: a promotion its world holds, and one the organisation does not have. */
export const HELD_PROMOTION = '0000000000000000000a0200';
export const ABSENT_PROMOTION = '0000000000000000000a0404';

const headers = {
  'X-Cap-Requestid': { $ref: '#/components/headers/X-Cap-Requestid' },
  'X-Sandbox-Scenario': { $ref: '#/components/headers/X-Sandbox-Scenario' },
};
const errors = (description: string, examples: Record<string, string>) => ({
  description,
  headers,
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/ErrorEnvelope' },
      examples: Object.fromEntries(Object.entries(examples).map(([key, example]) => [key, { $ref: `#/components/examples/${example}` }])),
    },
  },
});

/**
 * A FIXTURE contract: the shipped one plus `GET /api_gateway/v1/promotions/{promotionId}`, which
 * answers the promotion's id and status from the tenant's world (data of the rule's own, not an
 * example), 725 for a malformed id, 404 for a promotion the organisation does not have. The
 * shipped contract keeps the vendor's calls only.
 */
export function contractWithPromotionRead(): string {
  const document = parse(readFileSync(DEFAULT_CONTRACT_PATH, 'utf8')) as { paths: Record<string, unknown> };
  document.paths[PROMOTION_READ_PATH] = {
    get: {
      operationId: PROMOTION_READ_ID,
      tags: ['promotions'],
      summary: "Read a promotion's status (a test-only operation)",
      parameters: [
        { $ref: '#/components/parameters/PromotionId' },
        { $ref: '#/components/parameters/SandboxScenario' },
        { $ref: '#/components/parameters/Prefer' },
        { $ref: '#/components/parameters/SandboxSession' },
      ],
      responses: {
        '200': {
          description: "The promotion's status in the tenant's world.",
          headers,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['data', 'errors'],
                properties: {
                  data: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['id', 'status'],
                    properties: { id: { type: 'string', pattern: '^[0-9a-f]{24}$' }, status: { type: 'string', enum: ['ACTIVE', 'INACTIVE', 'EXPIRED'] } },
                  },
                  errors: { type: 'array', maxItems: 0 },
                },
              },
              example: { data: { id: '68fb1e6831d91c625a8d9ef4', status: 'ACTIVE' }, errors: [] },
            },
          },
        },
        '400': errors('The promotion id is not in a valid format (725), or another input is invalid (400).', {
          'GLOBAL.INVALID_INPUT': 'GLOBAL.INVALID_INPUT',
          'PROMO.PROMOTION_ID_INVALID': 'PROMO.PROMOTION_ID_INVALID',
        }),
        '401': { $ref: '#/components/responses/Unauthorized' },
        '404': errors('GLOBAL.PROMOTION_NOT_FOUND: the organisation has no such promotion.', { 'GLOBAL.PROMOTION_NOT_FOUND': 'GLOBAL.PROMOTION_NOT_FOUND.ORGANIZATION' }),
        '422': { $ref: '#/components/responses/UnknownScenario' },
        '429': { $ref: '#/components/responses/TooManyRequests' },
        '503': { $ref: '#/components/responses/NotReady' },
      },
    },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'promotion-read-')), 'promotions.yaml');
  writeFileSync(file, stringify(document));
  return file;
}

/**
 * Scenario files of one's own for the fixture's read, one per answer it documents (401 needs
 * none: it is asked for without credentials), beside the shipped ones.
 */
export function promotionReadScenarios(): string {
  const folder = mkdtempSync(join(tmpdir(), 'promotion-read-scenarios-'));
  const scenarios = [
    { name: 'promotion-read', description: 'The promotion, ACTIVE until deactivated.', code: 200, world: { promotions: [{ id: HELD_PROMOTION, type: 'CUSTOMER' }] }, magic: { promotionId: HELD_PROMOTION } },
    { name: 'promotion-read-not-found', description: 'No such promotion.', code: 404, world: { absentPromotions: [ABSENT_PROMOTION] }, magic: { promotionId: ABSENT_PROMOTION } },
    { name: 'promotion-read-id-invalid', description: 'A promotion id that is not 24-hex.', code: 725, magic: { promotionId: 'not-a-promotion-id' } },
    { name: 'promotion-read-invalid-input', description: 'Invalid input other than the id.', code: 400, forced: {} },
    { name: 'promotion-read-rate-limited', description: 'Past the budget.', code: 429, forced: {} },
  ];
  for (const scenario of scenarios) writeFileSync(join(folder, `${scenario.name}.yaml`), stringify({ ...scenario, operations: [PROMOTION_READ_ID] }));
  return folder;
}
