import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What the sandbox serves, as buildApp knows it (the `sandboxSummary` decoration). */
export interface SandboxSummary {
  readonly scenarios: number;
  readonly accounts: number;
}

/**
 * What is done once as an answer leaves on a vendor's route, just before it is sent (the work
 * the app's hooks do on the sandbox's own routes): call-hooks.ts. `payload` is the text sent.
 */
export type BeforeAnswer = (request: FastifyRequest, reply: FastifyReply, payload: string | undefined) => void;

// What the sandbox adds to Fastify's instance, request and route config, in one place.
declare module 'fastify' {
  interface FastifyInstance {
    /** What this sandbox serves now, for the line a person reads at start (start-line.ts). */
    sandboxSummary(): SandboxSummary;
  }
  interface FastifyContextConfig {
    /** The contract operation a route serves; absent on the sandbox's own non-contract routes. */
    operationId?: string;
  }
  interface FastifyRequest {
    /** Who is calling: set by authentication, from the credential (refined by X-Sandbox-Session). */
    tenant: string | undefined;
    /** The API key the rate budget is counted against. */
    apiKey: string | undefined;
    /** This key's requests per minute, when its account sets one. */
    keyRateLimit: number | undefined;
    /** The envelope's first error code when the answer was an error envelope, for logs. */
    answerCode: number | undefined;
    /** True once the answer is an envelope the sandbox built (checked by response validation). */
    envelopeSent: boolean;
    /** The scenario that made the answer, when one did. */
    scenarioName: string | undefined;
    /**
     * True when the request as such was refused (its URL too long) before the operation it reached
     * looked at it: the answer is then checked as an answer no operation owns.
     */
    refusedBeforeOperation: boolean;
    /** Set by a vendor route's first step: what is done as its answer leaves (envelope.ts calls it). */
    beforeAnswer: BeforeAnswer | undefined;
    /** The body's bytes as received (text for JSON), when it had any: the history records them. */
    rawBody: string | Buffer | undefined;
    /** True while the call's count against its API key's budget is left to its store step (one-trip.ts). */
    countPending: boolean;
    /** True once the call's store step journaled it (one-trip.ts): the journal's hook leaves it. */
    journaled: boolean;
  }
}

/** The request's fields above, each with its value before a hook sets it. */
export function decorateRequests(app: FastifyInstance): void {
  app.decorateRequest('tenant', undefined);
  app.decorateRequest('answerCode', undefined);
  app.decorateRequest('envelopeSent', false);
  app.decorateRequest('scenarioName', undefined);
  app.decorateRequest('refusedBeforeOperation', false);
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('keyRateLimit', undefined);
  app.decorateRequest('rawBody', undefined);
  app.decorateRequest('countPending', false);
  app.decorateRequest('journaled', false);
  app.decorateRequest('beforeAnswer', undefined);
}
