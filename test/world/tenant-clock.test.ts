import { describe, expect, it } from 'vitest';
import { MAX_ADVANCE_SECONDS, planMove, readingOf, tenantTime } from '../../src/world/tenant-clock.js';

const START = Date.UTC(2026, 11, 1, 10);
const clock = { start: START, advancedMs: 60_000 };

describe('a tenant\'s clock', () => {
  it('reads start + advance when frozen, the wall clock + advance when real', () => {
    expect(tenantTime(clock, 'frozen', START + 5_000)).toBe(START + 60_000);
    expect(tenantTime(clock, 'real', START + 5_000)).toBe(START + 65_000);
  });

  it.each([
    ['an advance, to the millisecond', { advanceSeconds: 1.5 }, { advancedMs: 61_500 }],
    ['no advance', { advanceSeconds: 0 }, { advancedMs: 60_000 }],
    ['ten years at once', { advanceSeconds: MAX_ADVANCE_SECONDS }, { advancedMs: 60_000 + MAX_ADVANCE_SECONDS * 1000 }],
    ['a time ahead, with its offset', { time: '2026-12-01T12:00:00+01:00' }, { advancedMs: 3_600_000 }],
    ['the tenant\'s own time', { time: '2026-12-01T10:01:00Z' }, { advancedMs: 60_000 }],
  ])('plans %s (frozen)', (_name, move, planned) => {
    expect(planMove(readingOf(clock, 'frozen', START), move)).toEqual(planned);
  });

  it('plans a time in real mode from the wall clock the reading was made at', () => {
    const reading = readingOf(clock, 'real', START + 5_000);
    const planned = planMove(reading, { time: new Date(START + 3_600_000).toISOString() });
    expect(planned).toEqual({ advancedMs: 3_600_000 - 5_000 });
    expect(tenantTime({ start: START, advancedMs: 3_595_000 }, 'real', START + 5_000)).toBe(START + 3_600_000);
  });

  it.each([
    ['a millisecond back', { time: '2026-12-01T10:00:59.999Z' }, /^Body \/time 2026-12-01T10:00:59\.999Z is before the tenant's time 2026-12-01T10:01:00\.000Z: the clock never moves back/],
    ['past year 9999', { time: '9999-12-31T23:59:59-01:00' }, /^Body \/time would take the clock \(at 2026-12-01T10:01:00\.000Z\) past 9999-12-31T23:59:59\.999Z/],
    ['not a time', { time: 'soon' }, /^Body \/time "soon" is not an ISO-8601 date-time/],
  ])('refuses %s', (_name, move, problem) => {
    const planned = planMove(readingOf(clock, 'frozen', START), move);
    expect('problem' in planned && planned.problem).toMatch(problem);
  });
});
