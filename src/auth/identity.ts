/** Who is calling: the tenant (world, pins, journal) and the API key (rate budget). */
export interface Identity {
  readonly tenant: string;
  readonly apiKey: string;
  /** This key's requests per minute, when its account sets one. */
  readonly rateLimit?: number;
}
