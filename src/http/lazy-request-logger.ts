import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
/** What a pino log call takes: an object or a message, then a message and format values. */
type Line = [obj: unknown, msg?: string, ...values: unknown[]];
type ParentLogger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean };

/**
 * Makes the root logger's own children, each request's among them, stand-ins that make the real
 * child on their first enabled line: the lines are the same as an eager child's, and most calls
 * log none. Fastify makes each request's child with `root.child`, and checks a child only when an
 * app's own childLoggerFactory made it (its seven methods looked up on every call), so the
 * laziness sits in `child` itself. A real child inherits this `child` (pino makes children with
 * `Object.create`): its own children are made by pino, with its bindings.
 * Shaped for speed: docs/performance.md#request-logging-off-the-per-call-path
 */
export function makeChildrenLazy(root: FastifyBaseLogger): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the logger asked as `this`
  const pinoChild = root.child;
  const eagerChild: EagerChild = (bindings, options) => pinoChild.call(root, bindings, options);
  root.child = function child(this: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions = {}): FastifyBaseLogger {
    return this === root ? new LazyChildLogger(root as ParentLogger, eagerChild, bindings, options) : pinoChild.call(this, bindings, options);
  };
}

type EagerChild = (bindings: Bindings, options: ChildLoggerOptions) => FastifyBaseLogger;

class LazyChildLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: ParentLogger,
    private readonly eagerChild: EagerChild,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#made().level = level;
  }

  fatal(...args: Line): void {
    this.#log('fatal', args);
  }

  error(...args: Line): void {
    this.#log('error', args);
  }

  warn(...args: Line): void {
    this.#log('warn', args);
  }

  info(...args: Line): void {
    this.#log('info', args);
  }

  debug(...args: Line): void {
    this.#log('debug', args);
  }

  trace(...args: Line): void {
    this.#log('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#made().child(bindings, options);
  }

  #made(): FastifyBaseLogger {
    return (this.#child ??= this.eagerChild(this.bindings, this.options));
  }

  #log(level: Level, args: Line): void {
    // A route's own log level (in the options) decides in the child; else the parent's does.
    if (!this.#child && this.options.level === undefined && !this.parent.isLevelEnabled(level)) return;
    const child = this.#made();
    child[level](...args);
  }
}
