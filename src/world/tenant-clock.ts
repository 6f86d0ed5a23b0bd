/**
 * A clock per tenant, like Stripe's test clocks: it starts at the tenant's first call that writes and, by
 * default (`frozen`), moves only when told, so that answers stay deterministic; with
 * `--clock real` it follows the wall clock, an advance adding to it. A reset takes it back to
 * its start (the advance goes back to 0). It never moves back otherwise.
 */
export const CLOCK_MODES = ['frozen', 'real'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];
/** `--clock`'s default, and a store's made without one. */
export const DEFAULT_CLOCK_MODE: ClockMode = 'frozen';

/** What a store keeps of a tenant's clock. */
export interface TenantClock {
  /** The wall time of the tenant's first call that writes (ms since the epoch). */
  readonly start: number;
  /** How far the tenant's clock was moved on since its start or its last reset (ms). */
  readonly advancedMs: number;
}

/** A tenant's clock read at one moment: its state and the tenant's time then. */
export interface ClockReading extends TenantClock {
  /** The tenant's time (ms since the epoch). */
  readonly now: number;
}

/** The tenant's time at wall time `wallNow`. */
export function tenantTime(clock: TenantClock, mode: ClockMode, wallNow: number): number {
  return (mode === 'frozen' ? clock.start : wallNow) + clock.advancedMs;
}

/**
 * The clock with the tenant's time at `wallNow`, made on every decision.
 * Shaped for speed: docs/performance.md#objects-made-per-call-name-their-fields
 */
export function readingOf(clock: TenantClock, mode: ClockMode, wallNow: number): ClockReading {
  return { start: clock.start, advancedMs: clock.advancedMs, now: tenantTime(clock, mode, wallNow) };
}

/** An advance moves the clock at most this far at once: ten years of 365 days. */
export const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 60 * 60;
/** The last moment an ISO-8601 text can name with a four-digit year. */
const LAST_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** A move asked for: `POST /__sandbox/clock`'s body, once the contract has checked it. */
export type ClockMove = { readonly advanceSeconds: number } | { readonly time: string };

/** The clock's new advance, or why the move is refused (nothing changes then). */
export type ClockPlan = { readonly advancedMs: number } | { readonly problem: string };

/**
 * Plans a move from a reading: an advance adds to the clock (the contract bounds it), a time
 * sets it, and neither may take it back (a reset does that) or past year 9999.
 */
export function planMove(reading: ClockReading, move: ClockMove): ClockPlan {
  const field = 'advanceSeconds' in move ? 'advanceSeconds' : 'time';
  const target = 'advanceSeconds' in move ? reading.now + Math.round(move.advanceSeconds * 1000) : Date.parse(move.time);
  const tenantTime = new Date(reading.now).toISOString();
  if (Number.isNaN(target)) return { problem: `Body /time ${JSON.stringify((move as { time: string }).time)} is not an ISO-8601 date-time.` };
  if (target < reading.now) {
    return { problem: `Body /time ${(move as { time: string }).time} is before the tenant's time ${tenantTime}: the clock never moves back (POST /__sandbox/reset takes it back to its start).` };
  }
  if (target > LAST_TIME) return { problem: `Body /${field} would take the clock (at ${tenantTime}) past ${new Date(LAST_TIME).toISOString()}, the last time ISO-8601 names with four digits.` };
  return { advancedMs: reading.advancedMs + (target - reading.now) };
}

/** A tenant's clock as the admin API shows it (GET /__sandbox/clock, and the state's `clock`). */
export interface ClockView {
  /** The tenant's time, ISO-8601. */
  readonly time: string;
  readonly mode: ClockMode;
  /** The wall time of the tenant's first call, where a reset takes the clock back to. */
  readonly start: string;
  /** How far the clock was moved on since its start or the last reset. */
  readonly advancedSeconds: number;
}

export function clockView(reading: ClockReading, mode: ClockMode): ClockView {
  return { time: new Date(reading.now).toISOString(), mode, start: new Date(reading.start).toISOString(), advancedSeconds: reading.advancedMs / 1000 };
}
