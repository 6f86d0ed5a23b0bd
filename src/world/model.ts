/** The vendor's domain as the sandbox models it: what a tenant's world holds. */

// Each set of values once, as a list (scenario.schema.json's enums are held to these by
// test/world/domain-enums.test.ts) and the type derived from it.
export const PROMOTION_TYPES = ['POS', 'CODE', 'CUSTOMER', 'EARNING', 'REWARD'] as const;
export type PromotionType = (typeof PROMOTION_TYPES)[number];
export const PROMOTION_MODES = ['DISCOUNT', 'PAYMENT_VOUCHER'] as const;
export type PromotionMode = (typeof PROMOTION_MODES)[number];
export const PROMOTION_STATUSES = ['ACTIVE', 'INACTIVE', 'EXPIRED'] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];
export const EARNED_FROM_TYPES = ['ACTIVITY', 'MILESTONE', 'REWARD', 'BULK_ISSUE'] as const;
export type EarnedFromType = (typeof EARNED_FROM_TYPES)[number];
export const EARN_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type EarnStatus = (typeof EARN_STATUSES)[number];

/**
 * How long something of the world lasts, as a scenario file says it: some seconds from the
 * tenant's clock start (each tenant's clock starts at its first call), until a fixed time (ms
 * since the epoch), or until the tenant's reset (it never ends by itself).
 */
export type Lasting = { readonly seconds: number } | { readonly until: number } | { readonly untilReset: true };
export const UNTIL_RESET = 'until-reset';

/** The end of a Lasting for a tenant whose clock started at `start` (ms); never: +Infinity. */
export function endOf(lasting: Lasting, start: number): number {
  if ('seconds' in lasting) return start + lasting.seconds * 1000;
  if ('until' in lasting) return lasting.until;
  return Number.POSITIVE_INFINITY;
}

/** Whether something that ends at `end` still holds at `now`: at its end it is over. */
export function holdsAt(end: number | undefined, now: number): boolean {
  return end !== undefined && now < end;
}

export interface Promotion {
  /** 24-hex id, lower case. */
  readonly id: string;
  readonly type: PromotionType;
  readonly mode: PromotionMode;
  readonly status: PromotionStatus;
  /** As written: a date (YYYY-MM-DD) or a date-time. Before it the promotion is as if it had started (no code says otherwise). */
  readonly validFrom?: string;
  /** As written: a date (its whole day counts, in UTC) or a date-time (the last moment it is valid). */
  readonly validTill?: string;
  /** An expiry-date update job runs on it for this long: status changes are refused (811) meanwhile. */
  readonly expiryJob?: Lasting;
}

export interface PendingCart {
  readonly evaluationId: string;
  /** Its lock lasts this long: the transaction completes or times out then, and the cart is gone. */
  readonly lock: Lasting;
}

export interface Customer {
  /** The customer id as canonical decimal text (ids are Longs; text keeps all 64 bits). */
  readonly id: string;
  /** An evaluated cart whose transaction has not completed; it blocks status changes (737) while locked. */
  readonly pendingCart?: PendingCart;
  /** Promotions this customer no longer takes part in (a deactivation gets 404). */
  readonly inactivePromotions: readonly string[];
}

/** A promotion as one tenant's world has it: its times resolved from the tenant's clock start. */
export interface PromotionNow extends Omit<Promotion, 'expiryJob'> {
  /** When its expiry-date job ends (ms; +Infinity: at a reset); undefined: none runs. */
  readonly expiryJobEnds?: number;
  /** From when validTill has passed (ms): the promotion answers as EXPIRED from then on. */
  readonly expiresAt?: number;
}

/** A customer as one tenant's world has it: the cart's lock end resolved from the tenant's clock start. */
export interface CustomerNow extends Omit<Customer, 'pendingCart'> {
  readonly pendingCart?: { readonly evaluationId: string; /** ms; +Infinity: at a reset. */ readonly lockedUntil: number };
}

const DAY_MS = 86_400_000;

/**
 * The first moment a validTill has passed: a date counts its whole day in UTC (expired from the
 * next day's 00:00:00Z); a date-time is the last moment of validity (expired a millisecond on).
 */
export function expiryOf(validTill: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(validTill) ? Date.parse(`${validTill}T00:00:00Z`) + DAY_MS : Date.parse(validTill) + 1;
}

export interface Earn {
  readonly id: string;
  readonly customerId: string;
  readonly promotionId: string;
  readonly earnedFromType: EarnedFromType;
  readonly status: EarnStatus;
  /** Its earnedFromType does not allow a status change (713). */
  readonly earnedFromTypeLocked: boolean;
}

/** A world as written in scenario files: every entity it sets up. */
export interface WorldSetup {
  readonly promotions: readonly Promotion[];
  readonly customers: readonly Customer[];
  readonly earns: readonly Earn[];
  /** Ids the organisation has no promotion for, even when unknown ids are treated as active. */
  readonly absentPromotions: readonly string[];
}

/** What a successful deactivation changes; the only way a world ever changes. */
export type WorldChange =
  | { readonly kind: 'deactivate-participation'; readonly customerId: string; readonly promotionId: string }
  | { readonly kind: 'deactivate-earn'; readonly earnId: string }
  | { readonly kind: 'deactivate-promotion'; readonly promotionId: string };

/** What the rules may ask of a world. Implemented over seed + a tenant's changes and clock start. */
export interface WorldView {
  /** The promotion, the implicit one for a well-formed id the world does not know, or undefined. */
  promotion(id: string): PromotionNow | undefined;
  customer(id: string): CustomerNow | undefined;
  earn(id: string): Earn | undefined;
  /** Whether the customer still takes part in the promotion. */
  takesPart(customerId: string, promotionId: string): boolean;
}

/**
 * How the world answers for a well-formed promotion id it does not know (`--unknown-promotions`):
 * as an active promotion, or 404. The contract's state answer lists the same values.
 */
export const UNKNOWN_PROMOTIONS = ['active', 'not-found'] as const;
export type UnknownPromotions = (typeof UNKNOWN_PROMOTIONS)[number];

/** Canonical forms, so `0566881933` and `566881933`, or upper and lower hex, are one entity. */
export function canonicalCustomerId(id: string | number): string {
  // Digits without a leading zero are already canonical: every call asks, most send such ids.
  if (typeof id === 'string' && CANONICAL_DIGITS.test(id)) return id;
  return BigInt(id).toString();
}

const CANONICAL_DIGITS = /^(?:0|[1-9]\d*)$/;

export function canonicalHexId(id: string): string {
  return id.toLowerCase();
}

/** Texts as the rules and the magic index compare them: canonical ids. */
export function canonicalTexts(texts: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const canonical: Record<string, string | undefined> = { ...texts };
  if (texts.promotionId !== undefined && /^[0-9a-fA-F]{24}$/.test(texts.promotionId)) canonical.promotionId = canonicalHexId(texts.promotionId);
  if (texts.earnId !== undefined && /^[0-9a-fA-F]{24}$/.test(texts.earnId)) canonical.earnId = canonicalHexId(texts.earnId);
  if (texts.customerId !== undefined && /^\d{1,19}$/.test(texts.customerId)) canonical.customerId = canonicalCustomerId(texts.customerId);
  return canonical;
}
