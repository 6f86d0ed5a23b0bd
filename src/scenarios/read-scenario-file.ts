import { basename, extname } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, type Document as YamlDocument, isNode, parseDocument } from 'yaml';
import { canonicalCustomerId, canonicalHexId, type EarnedFromType, type EarnStatus, type Lasting, type PendingCart, type PromotionMode, type PromotionStatus, type PromotionType, UNTIL_RESET, type WorldSetup } from '../world/model.js';
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
  const timeProblems = lastingProblems(content as ScenarioFileContent).map(({ path, problem }) => ({ file, place: placeOf(document, lines, path), problem }));
  if (timeProblems.length > 0) return { problems: timeProblems };
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

/** A cart's lock and a promotion's expiry job last as long as the vendor's figure (300 s) and ours (900 s) unless the file says. */
const DEFAULT_LOCK_SECONDS = 300;
const DEFAULT_EXPIRY_JOB_SECONDS = 900;

/** What the schema cannot say clearly: a length and an end are not both given, and a job's length needs a job. */
function lastingProblems(content: ScenarioFileContent): { path: (string | number)[]; problem: string }[] {
  const problems: { path: (string | number)[]; problem: string }[] = [];
  content.world?.customers?.forEach((customer, index) => {
    const cart = customer.pendingCart as Record<string, unknown> | undefined;
    if (cart?.lockSeconds !== undefined && cart.lockedUntil !== undefined) {
      problems.push({ path: ['world', 'customers', index, 'pendingCart', 'lockedUntil'], problem: 'give lockSeconds (a length from the tenant\'s clock start) or lockedUntil (a time), not both' });
    }
  });
  content.world?.promotions?.forEach((promotion, index) => {
    const given = ['expiryJobSeconds', 'expiryJobUntil'].filter((name) => promotion[name] !== undefined);
    if (given.length === 2) {
      problems.push({ path: ['world', 'promotions', index, 'expiryJobUntil'], problem: 'give expiryJobSeconds (a length from the tenant\'s clock start) or expiryJobUntil (a time), not both' });
    } else if (given.length === 1 && promotion.expiryJobRunning !== true) {
      problems.push({ path: ['world', 'promotions', index, given[0] ?? ''], problem: `${given[0] ?? ''} is the length of a running expiry-date job: set expiryJobRunning: true too` });
    }
  });
  return problems;
}

/** A length or an end as the file gives it (validated), else the default length. */
function lastingOf(seconds: unknown, until: unknown, defaultSeconds: number): Lasting {
  if (typeof until === 'string') return { until: Date.parse(until) };
  if (seconds === UNTIL_RESET) return { untilReset: true };
  return { seconds: typeof seconds === 'number' ? seconds : defaultSeconds };
}

function toScenario(file: string, source: ScenarioSource, content: ScenarioFileContent): Scenario {
  const world = content.world ?? {};
  const scenarioWorld: WorldSetup = {
    promotions: (world.promotions ?? []).map((promotion) => ({
      id: canonicalHexId(String(promotion.id)),
      type: (promotion.type as PromotionType | undefined) ?? 'CUSTOMER',
      mode: (promotion.mode as PromotionMode | undefined) ?? 'DISCOUNT',
      status: (promotion.status as PromotionStatus | undefined) ?? 'ACTIVE',
      ...(promotion.expiryJobRunning === true ? { expiryJob: lastingOf(promotion.expiryJobSeconds, promotion.expiryJobUntil, DEFAULT_EXPIRY_JOB_SECONDS) } : {}),
      ...(typeof promotion.validFrom === 'string' ? { validFrom: promotion.validFrom } : {}),
      ...(typeof promotion.validTill === 'string' ? { validTill: promotion.validTill } : {}),
    })),
    customers: (world.customers ?? []).map((customer) => ({
      id: canonicalCustomerId(customer.id as string | number),
      inactivePromotions: ((customer.inactivePromotions as string[] | undefined) ?? []).map(canonicalHexId),
      ...(customer.pendingCart ? { pendingCart: cartOf(customer.pendingCart as Record<string, unknown>) } : {}),
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

function cartOf(cart: Record<string, unknown>): PendingCart {
  return { evaluationId: String(cart.evaluationId), lock: lastingOf(cart.lockSeconds, cart.lockedUntil, DEFAULT_LOCK_SECONDS) };
}
