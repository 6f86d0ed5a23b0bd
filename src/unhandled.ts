/**
 * The branch after every member of a union has its own: a member added to the union and not
 * handled makes the call fail to compile (its argument is no longer `never`), and a value outside
 * the type at run time throws here rather than take another member's branch.
 */
export function unhandled(what: string, value: never): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
