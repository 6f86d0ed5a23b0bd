/** The levels of the sandbox's JSON log lines (`--log-level`): pino's, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Whether a sandbox run at `configured` says what is said at `level` (`silent` says nothing). */
export function says(configured: LogLevel, level: Exclude<LogLevel, 'silent'>): boolean {
  return configured !== 'silent' && LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(configured);
}
