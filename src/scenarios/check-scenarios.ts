import { OPERATION_RULES } from '../rules/operation-rules.js';
import { entryFor, isValidationCode } from '../contract/catalogue.js';
import type { ContractChecks } from '../contract/contract-checks.js';
import type { Contract } from '../contract/load-contract.js';
import { callRequest, callTexts } from '../contract/operation-call.js';
import { magicReach } from '../contract/magic-reach.js';
import type { Operation } from '../contract/operations.js';
import { canonicalTexts, type UnknownPromotions, type WorldSetup } from '../world/model.js';
import { SeedWorld } from '../world/seed-world.js';
import { NO_CHANGES } from '../world/tenant-changes.js';
import type { ReadFile, Scenario, ScenarioProblem } from './scenario.js';

/**
 * The checks across files, against the contract and the rules:
 * - names are unique; operations exist; each code is documented for each operation;
 * - a sequence's codes are documented and it starts with the scenario's code;
 * - magic values fit the operation's parameters (valid, or for a validation code, invalid in
 *   exactly the way that gives that code) and no two scenarios' magic values can both match;
 * - the world is consistent: an entity defined twice is defined the same way, earns name
 *   promotions of the world, and the magic values, asked of the rules on the seed world,
 *   really produce the scenario's code at the clock start of a tenant starting now.
 */
export function checkScenarios(
  files: readonly ReadFile[],
  contract: Contract,
  checks: ContractChecks,
  unknownPromotions: UnknownPromotions,
): { world: WorldSetup; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const operations = new Map(contract.operations.map((operation) => [operation.operationId, operation]));
  const at = (file: ReadFile, path: (string | number)[], problem: string): void => {
    problems.push({ file: file.scenario.file, place: file.place(path), problem });
  };

  const seen = new Map<string, ReadFile>();
  for (const file of files) {
    const { scenario } = file;
    const earlier = seen.get(scenario.name);
    if (earlier) at(file, ['name'], `the name ${scenario.name} is taken by ${earlier.scenario.file}`);
    seen.set(scenario.name, file);
    scenario.operations.forEach((operationId, index) => {
      const operation = operations.get(operationId);
      if (!operation) {
        at(file, ['operations', index], `no operation ${operationId} in the contract (it has ${[...operations.keys()].join(', ')})`);
        return;
      }
      if (scenario.code === undefined) {
        if (!scenario.forced?.dropConnection) at(file, [], 'code is required unless forced.dropConnection is true');
      } else if (!documented(operation, scenario.code)) {
        at(file, ['code'], `code ${scenario.code} is not documented for ${operationId} (documented: ${documentedCodes(operation).join(', ')})`);
      }
      scenario.forced?.sequence?.forEach((code, position) => {
        if (!documented(operation, code)) at(file, ['forced', 'sequence', position], `code ${code} is not documented for ${operationId}`);
      });
    });
    if (scenario.forced?.sequence && scenario.forced.sequence[0] !== scenario.code) {
      at(file, ['forced', 'sequence', 0], `a sequence starts with the scenario's code (${String(scenario.code)})`);
    }
  }

  const { world, owners } = mergeWorlds(files, at);
  // As a tenant whose clock starts now sees it: a lock or job given as a length holds, one
  // ending at a fixed time past already is over, and the magic values must still get the code.
  const now = Date.now();
  const seed = new SeedWorld(world, unknownPromotions).viewWith(NO_CHANGES, now);
  for (const file of files) {
    const { scenario } = file;
    const names = Object.keys(scenario.magic);
    if (names.length === 0) continue;
    const applicable = magicReach(scenario, contract.operations);
    if (applicable.length === 0) {
      at(file, ['magic'], `no operation of this scenario has all of the parameters ${names.join(', ')}`);
      continue;
    }
    for (const operation of applicable) {
      const problem = magicProblem(scenario, operation, contract, checks, seed, now, owners);
      if (problem) at(file, ['magic'], problem);
    }
  }
  for (const [index, file] of files.entries()) {
    for (const other of files.slice(0, index)) {
      const shared = file.scenario.operations.filter((operationId) => other.scenario.operations.includes(operationId));
      if (shared.length > 0 && magicOverlaps(file.scenario, other.scenario)) {
        at(file, ['magic'], `these magic values also select ${other.scenario.name} (${other.scenario.file}) on ${shared.join(', ')}`);
      }
    }
  }
  return { world, problems };
}

function documentedCodes(operation: Operation): number[] {
  const successes = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status)).map(Number);
  return [...successes, ...operation.errors.map((entry) => entry.code)];
}

function documented(operation: Operation, code: number): boolean {
  return documentedCodes(operation).includes(code);
}

/** Two magic value sets overlap when one is contained in the other: a call could match both. */
function magicOverlaps(a: Scenario, b: Scenario): boolean {
  const contains = (outer: Scenario, inner: Scenario): boolean =>
    Object.keys(inner.magic).length > 0 && Object.entries(inner.magic).every(([name, value]) => outer.magic[name] === value);
  return contains(a, b) || contains(b, a);
}

/**
 * Asks the contract, then the rules, what a call made of the magic values (the contract's
 * examples filling the other required parameters) gets, and compares with the scenario's code.
 */
function magicProblem(
  scenario: Scenario,
  operation: Operation,
  contract: Contract,
  checks: ContractChecks,
  seed: ReturnType<SeedWorld['viewWith']>,
  now: number,
  owners: WorldOwners,
): string | undefined {
  const texts = callTexts(operation, scenario.magic);
  const validation = checks.requests.get(operation.operationId)?.(callRequest(operation, scenario.magic));
  const entry = operation.errors.find((candidate) => candidate.code === scenario.code);
  if (isValidationCode(entry)) {
    const codes = validation && !validation.valid ? validation.diagnostics.map((diagnostic) => diagnostic.error.code) : [];
    return codes[0] === scenario.code ? undefined : `on ${operation.operationId}, magic values of a ${String(scenario.code)} scenario must be refused with ${String(scenario.code)} by the contract`;
  }
  if (validation && !validation.valid) {
    return `on ${operation.operationId}, the magic values are refused by the contract: ${validation.diagnostics[0]?.problem ?? ''}`;
  }
  const rule = OPERATION_RULES[operation.operationId];
  if (scenario.forced || !rule || scenario.code === undefined) return undefined;
  const decision = rule.decide(seed, canonicalTexts(texts), now);
  const code = decision.accepted ? 200 : entryFor(operation, contract.catalogue, decision.refusal).code;
  return code === scenario.code
    ? undefined
    : `on ${operation.operationId}, the world answers the magic values with ${code}, not ${scenario.code}${definedElsewhere(scenario, canonicalTexts(texts), owners)}: set up the world so that they get ${scenario.code}, or force the answer`;
}

/** Which file defines each entity of the default world, by id. */
interface WorldOwners {
  readonly promotions: ReadonlyMap<string, ReadFile>;
  readonly customers: ReadonlyMap<string, ReadFile>;
  readonly earns: ReadonlyMap<string, ReadFile>;
}

/**
 * The entities of the call that another file's world defines, as `(promotion X is defined in
 * FILE)`: the world is every file's part, so a file of one's own can change what a shipped
 * scenario's magic values get, and the problem then names both files.
 */
function definedElsewhere(scenario: Scenario, texts: Readonly<Record<string, string | undefined>>, owners: WorldOwners): string {
  const entities = [
    ['promotion', texts.promotionId, owners.promotions],
    ['customer', texts.customerId, owners.customers],
    ['earn', texts.earnId, owners.earns],
  ] as const;
  const elsewhere = entities.flatMap(([kind, id, owner]) => {
    const file = id === undefined ? undefined : owner.get(id)?.scenario.file;
    return file !== undefined && file !== scenario.file ? [`${kind} ${String(id)} is defined in ${file}`] : [];
  });
  return elsewhere.length === 0 ? '' : ` (${elsewhere.join('; ')})`;
}

/**
 * The default world: every file's part (of a union, the shipped files' that no file of one's own
 * replaces, and one's own), with entities defined twice required to agree.
 */
function mergeWorlds(files: readonly ReadFile[], at: (file: ReadFile, path: (string | number)[], problem: string) => void): { world: WorldSetup; owners: WorldOwners } {
  const promotions = new Map<string, { value: WorldSetup['promotions'][number]; file: ReadFile }>();
  const customers = new Map<string, { value: WorldSetup['customers'][number]; file: ReadFile }>();
  const earns = new Map<string, { value: WorldSetup['earns'][number]; file: ReadFile }>();
  const absent = new Set<string>();
  const collect = <T extends { id: string }>(
    into: Map<string, { value: T; file: ReadFile }>,
    file: ReadFile,
    list: readonly T[],
    kind: string,
  ): void => {
    list.forEach((value, index) => {
      const existing = into.get(value.id);
      if (existing && JSON.stringify(existing.value) !== JSON.stringify(value)) {
        at(file, ['world', kind, index], `${kind} ${value.id} is defined differently in ${existing.file.scenario.file}`);
      } else if (!existing) {
        into.set(value.id, { value, file });
      }
    });
  };
  for (const file of files) {
    collect(promotions, file, file.scenario.world.promotions, 'promotions');
    collect(customers, file, file.scenario.world.customers, 'customers');
    collect(earns, file, file.scenario.world.earns, 'earns');
    for (const id of file.scenario.world.absentPromotions) absent.add(id);
  }
  for (const { value, file } of earns.values()) {
    const index = file.scenario.world.earns.findIndex((earn) => earn.id === value.id);
    if (!promotions.has(value.promotionId)) {
      at(file, ['world', 'earns', index, 'promotionId'], `earn ${value.id} names promotion ${value.promotionId}, which no scenario's world defines`);
    }
  }
  for (const file of files) {
    file.scenario.world.absentPromotions.forEach((id, index) => {
      const defined = promotions.get(id);
      if (defined) at(file, ['world', 'absentPromotions', index], `promotion ${id} is both absent here and defined in ${defined.file.scenario.file}`);
    });
  }
  const values = <T>(map: Map<string, { value: T }>): T[] => [...map.values()].map((entry) => entry.value);
  const ownersOf = (map: Map<string, { file: ReadFile }>): Map<string, ReadFile> => new Map([...map].map(([id, entry]) => [id, entry.file]));
  return {
    world: { promotions: values(promotions), customers: values(customers), earns: values(earns), absentPromotions: [...absent] },
    owners: { promotions: ownersOf(promotions), customers: ownersOf(customers), earns: ownersOf(earns) },
  };
}
