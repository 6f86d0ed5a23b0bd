import type { WorldSetup } from '../world/model.js';
import type { Scenario } from './scenario.js';

/**
 * The loaded scenarios: lookups by name, by operation and code, and by magic values.
 * Built once per load; a reload builds a new one.
 */
export class ScenarioSet {
  readonly scenarios: readonly Scenario[];
  readonly #byName: ReadonlyMap<string, Scenario>;
  /** Per operation, the scenarios with magic values, found by one of their values. */
  readonly #magicByOperation: ReadonlyMap<string, MagicIndex>;

  constructor(
    scenarios: readonly Scenario[],
    readonly world: WorldSetup,
    /** The shipped scenarios a file of one's own replaces, by name. */
    readonly replaced: readonly string[] = [],
  ) {
    // By code unit: for names as the schema allows them (a-z, 0-9, hyphens) the order is
    // localeCompare's, without making ICU's collator at start (a cost of the cold start).
    this.scenarios = [...scenarios].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#byName = new Map(this.scenarios.map((scenario) => [scenario.name, scenario]));
    const magic = new Map<string, { scenario: Scenario; values: [string, string][] }[]>();
    for (const scenario of this.scenarios) {
      const values = Object.entries(scenario.magic);
      if (values.length === 0) continue;
      for (const operationId of scenario.operations) magic.set(operationId, [...(magic.get(operationId) ?? []), { scenario, values }]);
    }
    this.#magicByOperation = new Map([...magic].map(([operationId, list]) => [operationId, magicIndex(list.sort((a, b) => b.values.length - a.values.length))]));
  }

  byName(name: string): Scenario | undefined {
    return this.#byName.get(name);
  }

  forOperation(operationId: string): Scenario[] {
    return this.scenarios.filter((scenario) => scenario.operations.includes(operationId));
  }

  /**
   * The scenario `Prefer: code=N` picks: among the operation's scenarios with that code, the
   * first by name that forces nothing else (no latency, drop or sequence), else the first by name.
   */
  preferred(operationId: string, code: number): Scenario | undefined {
    const candidates = this.forOperation(operationId).filter((scenario) => scenario.code === code);
    return candidates.find((scenario) => !scenario.forced?.latencyMs && !scenario.forced?.dropConnection && !scenario.forced?.sequence) ?? candidates[0];
  }

  /** The scenario whose magic values all appear in the call (canonical texts), if any. */
  matchMagic(operationId: string, texts: Readonly<Record<string, string | undefined>>): Scenario | undefined {
    const index = this.#magicByOperation.get(operationId);
    if (!index) return undefined;
    // Looked up by value, then checked with loops. Shaped for speed: docs/performance.md#magic-values-are-matched-with-loops
    let found: MagicCandidate | undefined;
    for (const [name, byValue] of index) {
      const text = texts[name];
      const candidates = text === undefined ? undefined : byValue.get(text);
      if (!candidates) continue;
      for (const candidate of candidates) {
        if (found && found.rank < candidate.rank) break;
        if (allAppear(candidate.values, texts)) {
          found = candidate;
          break;
        }
      }
    }
    return found?.scenario;
  }
}

/** A scenario with magic values, with its place among the operation's (most specific first: the first that matches wins). */
interface MagicCandidate {
  readonly scenario: Scenario;
  readonly values: readonly (readonly [string, string])[];
  readonly rank: number;
}

/** An operation's magic scenarios by the name and value of their first magic value, each list in rank order. */
type MagicIndex = ReadonlyMap<string, ReadonlyMap<string, readonly MagicCandidate[]>>;

function magicIndex(ranked: readonly { scenario: Scenario; values: [string, string][] }[]): MagicIndex {
  const index = new Map<string, Map<string, MagicCandidate[]>>();
  ranked.forEach(({ scenario, values }, rank) => {
    const [name, value] = values[0]!;
    const byValue = index.get(name) ?? new Map<string, MagicCandidate[]>();
    index.set(name, byValue);
    byValue.set(value, [...(byValue.get(value) ?? []), { scenario, values, rank }]);
  });
  return index;
}

function allAppear(values: readonly (readonly [string, string])[], texts: Readonly<Record<string, string | undefined>>): boolean {
  for (const [name, value] of values) if (texts[name] !== value) return false;
  return true;
}
