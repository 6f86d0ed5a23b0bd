/**
 * How long a URL the sandbox takes. Longer gets 414 (SANDBOX.URI_TOO_LONG, whose condition in the
 * contract states these figures; a test holds the two together).
 */

/** The router's limit on one path parameter (Fastify's maxParamLength): a promotion id is 24. */
export const MAX_PATH_PARAMETER_LENGTH = 500;
