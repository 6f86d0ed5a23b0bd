import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';
import { parseClusterSeeds, redactedSeeds } from '../world/redis/redis-cluster-seeds.js';
import { redactedUrl } from '../world/redis/redacted-url.js';

/**
 * What a setting's value may be, with one rule for both ways a value arrives: as text (a flag or
 * the environment, refused by commander) and as a value given in code (`startSandbox`). Both
 * refusals quote `rule`, so the command line and the library cannot disagree on a range.
 */
export interface ValueKind<T> {
  /** What a value must be, said after the setting's name: "must be a count, an integer from 1 to 10000". */
  readonly rule: string;
  /** Reads a flag's or the environment's text, throwing commander's refusal; none: the text is the value. */
  readonly parse?: (text: string) => T;
  /** The only values: commander checks text against them itself ("Allowed choices are …"). */
  readonly choices?: readonly T[];
  /** Whether a value given in code is one of this kind. */
  readonly accepts: (value: unknown) => value is T;
  /** The refused value as a refusal shows it. */
  readonly shown: (value: unknown) => string;
}

/** A refused value as JavaScript would write it: `0`, `'100'`, `NaN`, `null`. */
function asWritten(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** A whole number from `min` to `max`, in plain digits on the command line (no sign, exponent or decimals). */
export function integerIn(min: number, max: number, what: string): ValueKind<number> {
  const rule = `must be ${what}, an integer from ${min} to ${max}`;
  const inRange = (value: number) => Number.isInteger(value) && value >= min && value <= max;
  return {
    rule,
    parse: (text) => {
      if (!/^\d+$/.test(text.trim()) || !inRange(Number(text))) throw new InvalidArgumentError(`${rule}.`);
      return Number(text);
    },
    accepts: (value): value is number => typeof value === 'number' && inRange(value),
    shown: asWritten,
  };
}

/** A fraction from 0 to 1 (`0.25`, `.25`, `1`), in plain digits on the command line (no sign, exponent or percent). */
export function fraction(what: string): ValueKind<number> {
  const rule = `must be ${what}, a number from 0 to 1`;
  const inRange = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;
  return {
    rule,
    parse: (text) => {
      if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) || !inRange(Number(text))) throw new InvalidArgumentError(`${rule}.`);
      return Number(text);
    },
    accepts: (value): value is number => typeof value === 'number' && inRange(value),
    shown: asWritten,
  };
}

/** A boolean; on the command line also `1`/`0`, `yes`/`no`, `on`/`off`, and empty for false (an unset variable). */
export function trueOrFalse(): ValueKind<boolean> {
  const rule = 'must be true or false';
  return {
    rule,
    parse: (text) => {
      const normalised = text.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(normalised)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(normalised)) return false;
      throw new InvalidArgumentError(`${rule}.`);
    },
    accepts: (value): value is boolean => typeof value === 'boolean',
    shown: asWritten,
  };
}

/** One of a few words. */
export function oneOf<const T extends string>(values: readonly T[]): ValueKind<T> {
  return {
    rule: `must be one of ${values.join(', ')}`,
    choices: values,
    accepts: (value): value is T => typeof value === 'string' && (values as readonly string[]).includes(value),
    shown: asWritten,
  };
}

/** Any text: a path, an address, a URL (what it names is checked where it is used). */
export function anyText(what: string): ValueKind<string> {
  return {
    rule: `must be ${what}, a string`,
    accepts: (value): value is string => typeof value === 'string',
    shown: asWritten,
  };
}

/**
 * Text that names something and cannot be empty: an empty `--host` (`SANDBOX_HOST=` left blank)
 * would listen on every address without saying so, as an empty port would pick one.
 */
export function nonEmptyText(what: string): ValueKind<string> {
  return textThat(`must be ${what}, not empty`, (text) => text.trim() !== '');
}

/**
 * Text read into its normal form (`read`: the form, or undefined when refused): a flag's or the
 * environment's text becomes that form; a value given in code is checked by the same reading.
 */
function normalisedText(rule: string, read: (text: string) => string | undefined): ValueKind<string> {
  return {
    rule,
    parse: (text) => {
      const normal = read(text);
      if (normal === undefined) throw new InvalidArgumentError(`${rule}.`);
      return normal;
    },
    accepts: (value): value is string => typeof value === 'string' && read(value) !== undefined,
    shown: asWritten,
  };
}

/** Text taken as written when `valid` says so; the rule in a refusal, and the value shown by `shown`. */
function textThat(rule: string, valid: (text: string) => boolean, shown: (value: unknown) => string = asWritten): ValueKind<string> {
  return {
    rule,
    parse: (text) => {
      if (!valid(text)) throw new InvalidArgumentError(`${rule}.`);
      return text;
    },
    accepts: (value): value is string => typeof value === 'string' && valid(value),
    shown,
  };
}

/**
 * A Redis URL, `redis://` or `rediss://` (TLS): ioredis takes other text for a socket path or a
 * host name and fails late and obscurely (`connect ENOENT //host:6379`). A refused value in code
 * is shown without its credentials.
 */
export function redisUrl(): ValueKind<string> {
  const rule = 'must be a redis:// or rediss:// URL (redis://host:6379, rediss://user:password@host:6380/0)';
  const isRedisUrl = (text: string) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
    } catch {
      return false;
    }
  };
  return textThat(rule, isRedisUrl, (value) =>
    typeof value !== 'string' ? asWritten(value) : URL.canParse(value) ? `'${redactedUrl(value)}'` : 'text that is not a URL',
  );
}

/**
 * A Redis Cluster's seed nodes, `host:port,host:port` or `redis://` / `rediss://` URLs
 * (redis-cluster-seeds.ts says how credentials and TLS are shared); a refused value is shown
 * without its credentials.
 */
export function clusterSeeds(): ValueKind<string> {
  const rule =
    'must be seed nodes separated by commas, each host:port or a redis:// or rediss:// URL without a path (127.0.0.1:7001,127.0.0.1:7002, rediss://:password@host:6380), one password and TLS mode for all';
  return textThat(rule, (text) => parseClusterSeeds(text) !== undefined, (value) => (typeof value === 'string' ? `'${redactedSeeds(value)}'` : asWritten(value)));
}

/**
 * The operator's token: at least `minLength` characters and not one character repeated
 * (`aaaa…` guards nothing); a refusal in code never prints it.
 */
export function operatorToken(minLength: number, why: string): ValueKind<string> {
  return textThat(
    `must be at least ${minLength} characters, not one character repeated (${why})`,
    (text) => text.length >= minLength && new Set(text).size > 1,
    (value) => (typeof value === 'string' ? `a string of ${value.length} characters` : asWritten(value)),
  );
}

/** The names proxy-addr (Fastify's trustProxy) gives to ranges of addresses. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * The proxies whose `X-Forwarded-For` is believed: addresses, CIDRs (`172.16.0.0/12`) or
 * proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`), separated by commas. The value
 * is the list as given, spaces taken out.
 */
export function proxyAddresses(): ValueKind<string> {
  const rule = 'must be addresses or CIDRs separated by commas (10.0.0.1, 172.16.0.0/12, ::1), or loopback, linklocal, uniquelocal';
  const isEntry = (entry: string): boolean => {
    if (PROXY_RANGE_NAMES.includes(entry)) return true;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  };
  const read = (text: string): string | undefined => {
    const entries = text.split(',').map((entry) => entry.trim());
    return entries.every(isEntry) ? entries.join(',') : undefined;
  };
  return normalisedText(rule, read);
}

/**
 * The URL partners reach the sandbox at, `http(s)://host[:port][/path]` with no query or
 * fragment, taken without a trailing slash: the base of what the sandbox tells them to call.
 */
export function publicUrl(): ValueKind<string> {
  const rule = 'must be an http:// or https:// URL with no query or fragment (https://sandbox.example.com)';
  const read = (text: string): string | undefined => {
    try {
      const url = new URL(text.trim());
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
      return url.href.replace(/\/+$/, '');
    } catch {
      return undefined;
    }
  };
  return normalisedText(rule, read);
}

/**
 * Browser origins, separated by commas (`https://qa.example.com,http://localhost:3000`), each
 * `scheme://host[:port]` as a browser sends it in `Origin` (no path, no trailing slash); or `*`
 * alone, for any origin. The value is the list as given, spaces taken out.
 */
export function originList(): ValueKind<string> {
  const rule = 'must be origins separated by commas, each http(s)://host[:port] with no path, or * alone for any origin';
  const read = (text: string): string | undefined => {
    const origins = text.split(',').map((origin) => origin.trim());
    if (origins.length === 1 && origins[0] === '*') return '*';
    const wellFormed = origins.every((origin) => {
      try {
        const url = new URL(origin);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
      } catch {
        return false;
      }
    });
    return wellFormed ? origins.join(',') : undefined;
  };
  return normalisedText(rule, read);
}
