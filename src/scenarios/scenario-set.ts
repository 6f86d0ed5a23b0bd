import type { WorldSetup } from '../world/model.js';
import type { Scenario } from './scenario.js';

/**
 * The loaded scenarios: lookups by name, by operation and code, and by magic values.
 * Built once per load; a reload builds a new one.
 */
export class ScenarioSet {
  readonly scenarios: readonly Scenario[];
  readonly #byName: ReadonlyMap<string, Scenario>;
  /** Per operation, the scenarios with magic values and those values, most specific first. */
  readonly #magicByOperation: ReadonlyMap<string, readonly { scenario: Scenario; values: [string, string][] }[]>;

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
    for (const list of magic.values()) list.sort((a, b) => b.values.length - a.values.length);
    this.#magicByOperation = magic;
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
    // Loops, not find and every. Shaped for speed: docs/performance.md#magic-values-are-matched-with-loops
    for (const { scenario, values } of this.#magicByOperation.get(operationId) ?? []) {
      let all = true;
      for (const [name, value] of values) {
        if (texts[name] === value) continue;
        all = false;
        break;
      }
      if (all) return scenario;
    }
    return undefined;
  }
}
