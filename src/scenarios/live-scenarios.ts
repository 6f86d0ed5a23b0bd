import type { UnknownPromotions } from '../world/model.js';
import { SeedWorld } from '../world/seed-world.js';
import type { ScenarioSet } from './scenario-set.js';

/** The scenario set in force and the seed world built from it; `--watch` swaps both at once. */
export class LiveScenarios {
  #set: ScenarioSet;
  #seed: SeedWorld;

  constructor(
    set: ScenarioSet,
    private readonly unknownPromotions: UnknownPromotions,
  ) {
    this.#set = set;
    this.#seed = new SeedWorld(set.world, unknownPromotions);
  }

  get set(): ScenarioSet {
    return this.#set;
  }

  get seed(): SeedWorld {
    return this.#seed;
  }

  replace(set: ScenarioSet): void {
    const seed = new SeedWorld(set.world, this.unknownPromotions);
    this.#set = set;
    this.#seed = seed;
  }
}
