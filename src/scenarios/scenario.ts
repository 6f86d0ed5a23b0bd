import type { WorldSetup } from '../world/model.js';

/** What a scenario forces, for what no state of the world can cause. */
export interface Forced {
  readonly latencyMs?: number;
  readonly dropConnection?: true;
  readonly sequence?: readonly number[];
}

/**
 * Where a scenario file came from: the folder shipped with the sandbox, or a folder of one's
 * own (`--scenarios`), whose files add to the shipped ones or replace them by name.
 */
export type ScenarioSource = 'shipped' | 'own';

/** One scenario file, read and checked. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly operations: readonly string[];
  /** The code answered (envelope code, or the HTTP status of a success); undefined: the connection drops. */
  readonly code: number | undefined;
  /** This scenario's part of the default world (defaults filled in). */
  readonly world: WorldSetup;
  /** Parameter name → the text that selects this scenario. */
  readonly magic: Readonly<Record<string, string>>;
  readonly forced: Forced | undefined;
  readonly file: string;
  readonly source: ScenarioSource;
}

/** A problem in a scenario file: where, and what is wrong. */
export interface ScenarioProblem {
  readonly file: string;
  /** `line:column` and the path inside the document, when known. */
  readonly place: string;
  readonly problem: string;
}

export class ScenarioError extends Error {
  constructor(readonly problems: readonly ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function formatProblem({ file, place, problem }: ScenarioProblem): string {
  return `${file}${place ? `:${place}` : ''}: ${problem}`;
}

/** A scenario file as read: the scenario, and where a path inside it is, for problems' places. */
export interface ReadFile {
  readonly scenario: Scenario;
  /** `line:column /path` of a place in the file, from a JSON pointer-like path. */
  readonly place: (path: readonly (string | number)[]) => string;
}
