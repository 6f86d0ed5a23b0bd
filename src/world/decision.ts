import type { WorldChange } from './model.js';

/**
 * What the rules decide for a call: success with the change it makes to the world, or a refusal
 * named by the vendor's catalogue key (the catalogue supplies code, status and message).
 */
export type Decision =
  | { readonly accepted: true; readonly change: WorldChange }
  | { readonly accepted: false; readonly refusal: string };

export const accept = (change: WorldChange): Decision => ({ accepted: true, change });
export const refuse = (refusal: string): Decision => ({ accepted: false, refusal });
