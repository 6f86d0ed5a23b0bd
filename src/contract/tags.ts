/**
 * The contract's tags the sandbox acts on, named once (the contract's `tags` describe them): an
 * operation's tags decide its budget, whether the history records it and whether it is served.
 */
export const TAGS = {
  /** The vendor's calls: recorded in the history, counted for coverage, under the API key's budget. */
  promotions: 'promotions',
  /** The vendor's OAuth token call. */
  oauth: 'oauth',
  /** The sandbox's own endpoints, each answered by a handler of its own. */
  sandbox: 'sandbox',
  /** The operator's endpoints: they exist only with an operator token. */
  operator: 'operator',
} as const;
