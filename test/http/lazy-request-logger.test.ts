import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { makeChildrenLazy } from '../../src/http/lazy-request-logger.js';

function logger() {
  const lines: Record<string, unknown>[] = [];
  const parent = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const child = vi.spyOn(parent, 'child');
  makeChildrenLazy(parent);
  return { parent, lines, child };
}

describe('the request logger made on its first line', () => {
  it('makes no child logger while nothing is logged at an enabled level', () => {
    const { parent, lines, child } = logger();
    const requestLog = parent.child({ reqId: 'r-1' });
    requestLog.debug({ detail: 1 }, 'not at info');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('writes the same lines an eager child would, with the request id, and makes the child once', () => {
    const { parent, lines, child } = logger();
    const requestLog = parent.child({ reqId: 'r-2' }, {});
    requestLog.warn({ err: 'x' }, 'first');
    requestLog.error('second %s', 'line');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reqId: 'r-2', err: 'x', msg: 'first' }),
      expect.objectContaining({ level: 50, reqId: 'r-2', msg: 'second line' }),
    ]);
    expect(requestLog.level).toBe('info');
  });

  it('follows a route\'s own level, as an eager child would', () => {
    const { parent, lines } = logger();
    parent.child({ reqId: 'r-3' }, { level: 'debug' }).debug('shown: the route logs at debug');
    parent.child({ reqId: 'r-4' }, { level: 'warn' }).info('hidden: the route logs from warn');
    expect(lines).toEqual([expect.objectContaining({ level: 20, reqId: 'r-3', msg: 'shown: the route logs at debug' })]);
  });

  it('gives a request logger\'s own children the request\'s bindings and level, as pino does', () => {
    const { parent, lines } = logger();
    const requestLog = parent.child({ reqId: 'r-5' }, { level: 'debug' });
    requestLog.child({ step: 'decide' }).debug('nested');
    expect(lines).toEqual([expect.objectContaining({ level: 20, reqId: 'r-5', step: 'decide', msg: 'nested' })]);
  });
});
