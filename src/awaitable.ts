/**
 * A value now, or later: what a store answers (in memory at once, over a connection later). A
 * call decided in memory makes no promise: docs/performance.md#a-call-in-memory-makes-no-promise
 */
export type Awaitable<T> = T | Promise<T>;

/** `next` of the value: at once when it is there, once it settles when it is a promise. */
export function andThen<T, U>(value: Awaitable<T>, next: (value: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
