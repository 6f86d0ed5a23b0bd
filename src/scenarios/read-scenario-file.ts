import { basename, extname } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, type Document as YamlDocument, isNode, parseDocument } from 'yaml';
import { canonicalCustomerId, canonicalHexId, type EarnedFromType, type EarnStatus, type PromotionMode, type PromotionStatus, type PromotionType, type WorldSetup } from '../world/model.js';
import type { Forced, ReadFile, Scenario, ScenarioProblem, ScenarioSource } from './scenario.js';

/** A scenario file as written, once it matches the schema. */
interface ScenarioFileContent {
  name: string;
  description: string;
  operations: string[];
  code?: number;
  magic?: Record<string, string | number>;
  forced?: Forced;
  world?: {
    promotions?: Record<string, unknown>[];
    customers?: Record<string, unknown>[];
    earns?: Record<string, unknown>[];
    absentPromotions?: string[];
  };
}

/**
 * Reads one file: YAML, then the JSON Schema. Problems carry the file, the line and column, and
 * the path inside the document, so an editor or a CI log points at the exact place.
 */
export function readScenarioFile(
  file: string,
  text: string,
  validate: ValidateFunction,
  source: ScenarioSource,
): ReadFile | { problems: ScenarioProblem[] } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => ({
        file,
        place: position(lines, error.pos[0]),
        problem: `not valid YAML: ${error.message.split('\n')[0] ?? ''}`,
      })),
    };
  }
  const content: unknown = document.toJS({ maxAliasCount: 50 });
  if (!validate(content)) {
    // A file that names another scenario says so beside its schema problems, not after they are fixed.
    const name = (content as { name?: unknown } | null)?.name;
    const misnamed = typeof name === 'string' ? nameProblem(file, name, (path) => placeOf(document, lines, path)) : undefined;
    return { problems: [...(misnamed ? [misnamed] : []), ...(validate.errors ?? []).map((error) => schemaProblem(file, document, lines, error))] };
  }
  return { scenario: toScenario(file, source, content as ScenarioFileContent), place: (path) => placeOf(document, lines, path) };
}

/** The problem of a file named otherwise than the scenario it holds, at its `name`; none when they agree. */
export function nameProblem(file: string, name: string, place: ReadFile['place']): ScenarioProblem | undefined {
  if (name === basename(file, extname(file))) return undefined;
  return { file, place: place(['name']), problem: `the scenario is named "${name}"; name the file ${name}.yaml` };
}

/**
 * A file whose scenario the build stored (scenario-cache.ts), from its text: the text is parsed
 * only when a problem is to be placed in it, which the checks of a union can find in a shipped file.
 */
export function storedFile(scenario: Scenario, text: string): ReadFile {
  let parsed: { document: YamlDocument; lines: LineCounter } | undefined;
  return {
    scenario,
    place: (path) => {
      if (!parsed) {
        const lines = new LineCounter();
        parsed = { document: parseDocument(text, { lineCounter: lines }), lines };
      }
      return placeOf(parsed.document, parsed.lines, path);
    },
  };
}

/** `line:column path` of a place in the document, from a JSON pointer-like path. */
export function placeOf(document: YamlDocument, lines: LineCounter, path: readonly (string | number)[]): string {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return `${position(lines, node.range[0])} ${pointer(path)}`.trim();
  }
  return pointer(path);
}

function schemaProblem(file: string, document: YamlDocument, lines: LineCounter, error: ErrorObject): ScenarioProblem {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replaceAll('~1', '/').replaceAll('~0', '~')));
  if (error.keyword === 'additionalProperties') {
    // Point at the unknown property itself, not at the object holding it.
    const property = String(error.params.additionalProperty);
    return { file, place: placeOf(document, lines, [...path, property]), problem: `unknown property "${property}"` };
  }
  const detail =
    error.keyword === 'enum'
      ? `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`
      : (error.message ?? 'is invalid');
  return { file, place: placeOf(document, lines, path), problem: path.length === 0 ? `the document ${detail}` : detail };
}

function position(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

function pointer(path: readonly (string | number)[]): string {
  return path.length === 0 ? '' : `/${path.join('/')}`;
}

function toScenario(file: string, source: ScenarioSource, content: ScenarioFileContent): Scenario {
  const world = content.world ?? {};
  const scenarioWorld: WorldSetup = {
    promotions: (world.promotions ?? []).map((promotion) => ({
      id: canonicalHexId(String(promotion.id)),
      type: (promotion.type as PromotionType | undefined) ?? 'CUSTOMER',
      mode: (promotion.mode as PromotionMode | undefined) ?? 'DISCOUNT',
      status: (promotion.status as PromotionStatus | undefined) ?? 'ACTIVE',
      expiryJobRunning: promotion.expiryJobRunning === true,
      ...(typeof promotion.validFrom === 'string' ? { validFrom: promotion.validFrom } : {}),
      ...(typeof promotion.validTill === 'string' ? { validTill: promotion.validTill } : {}),
    })),
    customers: (world.customers ?? []).map((customer) => ({
      id: canonicalCustomerId(customer.id as string | number),
      inactivePromotions: ((customer.inactivePromotions as string[] | undefined) ?? []).map(canonicalHexId),
      ...(customer.pendingCart ? { pendingCart: customer.pendingCart as { evaluationId: string } } : {}),
    })),
    earns: (world.earns ?? []).map((earn) => ({
      id: canonicalHexId(String(earn.id)),
      customerId: canonicalCustomerId(earn.customerId as string | number),
      promotionId: canonicalHexId(String(earn.promotionId)),
      earnedFromType: earn.earnedFromType as EarnedFromType,
      status: (earn.status as EarnStatus | undefined) ?? 'ACTIVE',
      earnedFromTypeLocked: earn.earnedFromTypeLocked === true,
    })),
    absentPromotions: (world.absentPromotions ?? []).map(canonicalHexId),
  };
  return {
    name: content.name,
    description: content.description.trim(),
    operations: content.operations,
    code: content.code,
    world: scenarioWorld,
    magic: Object.fromEntries(Object.entries(content.magic ?? {}).map(([name, value]) => [name, String(value)])),
    forced: content.forced,
    file,
    source,
  };
}
