import type { WorldChange } from './model.js';

/**
 * What the rules decide for a call: a success, or a refusal named by the vendor's catalogue key
 * (the catalogue supplies code, status and message). A success may change the world (`change`),
 * answer data of its own (`data`, sent in the envelope), or both; without data it answers the
 * contract's example.
 */
export type Decision =
  | { readonly accepted: true; readonly change?: WorldChange; readonly data?: unknown }
  | { readonly accepted: false; readonly refusal: string };

/** A success that changes the world and answers the contract's example (the vendor's deactivations). */
export const accept = (change: WorldChange): Decision => ({ accepted: true, change });
/** A success that answers `data`, changing the world too when a change is given. */
export const answer = (data: unknown, change?: WorldChange): Decision => (change === undefined ? { accepted: true, data } : { accepted: true, change, data });
export const refuse = (refusal: string): Decision => ({ accepted: false, refusal });
