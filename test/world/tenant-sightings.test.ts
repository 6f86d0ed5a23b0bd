import { describe, expect, it } from 'vitest';
import { TenantSightings } from '../../src/world/redis/tenant-sightings.js';

describe('what a process last saw of a tenant in Redis (the guess of a one-trip call)', () => {
  it('keeps the clock and the members seen present, and forgets those seen absent', () => {
    const sightings = new TenantSightings(10);
    sightings.saw('t', { clock: '1000:0', inSteps: false, present: [['1:p', true], ['2:c|p', true]] }, 0);
    sightings.saw('t', { clock: '1000:0', inSteps: false, present: [['2:c|p', false]] }, 0);
    const seen = sightings.get('t', 0);
    expect(seen !== 'in steps' && seen && [seen.clock, [...seen.present]]).toEqual(['1000:0', ['1:p']]);
  });

  it('starts a tenant again when its clock changed: a reset took its changes too', () => {
    const sightings = new TenantSightings(10);
    sightings.saw('t', { clock: '1000:0', inSteps: false, present: [['1:p', true]] }, 0);
    sightings.saw('t', { clock: '1000:5000', inSteps: false, present: [] }, 0);
    const seen = sightings.get('t', 0);
    expect(seen !== 'in steps' && seen && [...seen.present]).toEqual([]);
  });

  it('has a tenant seen with a pin or an error rate go in steps for a second', () => {
    const sightings = new TenantSightings(10);
    sightings.saw('t', { clock: '1000:0', inSteps: true, present: [] }, 5_000);
    expect(sightings.get('t', 5_999)).toBe('in steps');
    expect(sightings.get('t', 6_000)).toMatchObject({ clock: '1000:0' });
  });

  it('holds at most as many tenants as the store, then starts again', () => {
    const sightings = new TenantSightings(2);
    for (const tenant of ['a', 'b', 'c']) sightings.saw(tenant, { clock: '1:0', inSteps: false, present: [] }, 0);
    expect([sightings.get('a', 0), sightings.get('c', 0)]).toEqual([undefined, { clock: '1:0', present: new Set(), inStepsUntil: 0 }]);
  });
});
