// Pure rules behind the provider-fidelity work: token buckets never outrun a provider's sliding window, the
// mass-delete breaker's numbers, the daily reconciliation's schedule and spread, the event-type policy and the
// zone names Graph writes that no table knows.
import fc from 'fast-check';
import { eventTypePolicy, isEditableEventType, requireEditableEventType } from '../../domain/event-types';
import { isFailure } from '../../domain/failures';
import { massDeleteVerdict } from '../../domain/mass-delete';
import { nextReconcileAt, reconcileOffsetMinutes } from '../../domain/reconciliation';
import { bucketSpec, floorFor, take, type BucketState } from '../../domain/token-bucket';
import { fixedOffsetZone, offsetInZoneName, zoneFromOffsetName } from '../../providers/microsoft/zone-names';

describe('token bucket', () => {
  it('lets through at most the limit in any window, however requests arrive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 2_000 }),
        fc.integer({ min: 1_000, max: 600_000 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 50, maxLength: 400 }),
        (requests, windowMs, gaps) => {
          const spec = bucketSpec({ requests, windowMs });
          let state: BucketState = { tokens: spec.capacity, updatedAtMs: 0 };
          let now = 0;
          const taken: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const result = take(state, spec, { cost: 1, floor: 0, nowMs: now });
            if (result.taken) {
              state = result.state;
              taken.push(now);
            }
          }
          for (let i = 0, j = 0; i < taken.length; i++) {
            while (taken[i]! - taken[j]! >= windowMs) j++;
            expect(i - j + 1).toBeLessThanOrEqual(requests);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('background callers leave a reserve that interactive ones may take', () => {
    const spec = bucketSpec({ requests: 100, windowMs: 60_000 });
    const almostEmpty: BucketState = { tokens: spec.reserve + 0.5, updatedAtMs: 0 };
    expect(take(almostEmpty, spec, { cost: 1, floor: floorFor(spec, 'background'), nowMs: 0 }).taken).toBe(false);
    expect(take(almostEmpty, spec, { cost: 1, floor: floorFor(spec, 'interactive'), nowMs: 0 }).taken).toBe(true);
  });

  it('says how long to wait for the tokens', () => {
    const spec = bucketSpec({ requests: 60, windowMs: 60_000 });
    const result = take({ tokens: 0, updatedAtMs: 0 }, spec, { cost: 1, floor: 0, nowMs: 0 });
    expect(result.taken).toBe(false);
    if (!result.taken) expect(result.waitMs).toBeCloseTo(1 / spec.refillPerMs);
  });
});

describe('mass-delete breaker', () => {
  it('holds more than half of a calendar of at least 20 events, and an empty full read', () => {
    expect(massDeleteVerdict({ pending: 11, stored: 20, fullListingEmpty: false })).toEqual({
      hold: true,
      reason: 'share',
      pending: 11,
      stored: 20,
    });
    expect(massDeleteVerdict({ pending: 10, stored: 20, fullListingEmpty: false })).toEqual({ hold: false });
    expect(massDeleteVerdict({ pending: 19, stored: 19, fullListingEmpty: true })).toEqual({ hold: false });
    expect(massDeleteVerdict({ pending: 5, stored: 40, fullListingEmpty: true })).toMatchObject({ hold: true, reason: 'empty_listing' });
    expect(massDeleteVerdict({ pending: 0, stored: 40, fullListingEmpty: true })).toEqual({ hold: false });
  });

  it('takes other limits', () => {
    expect(massDeleteVerdict({ pending: 4, stored: 10, fullListingEmpty: false }, { maxShare: 0.3, minEvents: 5 }).hold).toBe(true);
  });
});

describe('daily reconciliation schedule', () => {
  const DAY = 86_400_000;
  const schedule = { dailyAtMinutes: 3 * 60, spreadMinutes: 240 };

  it('is the next slot after now, a day apart, inside the window', () => {
    const now = Date.UTC(2030, 0, 10, 12, 0);
    const at = nextReconcileAt('connection-a', schedule, now);
    expect(at).toBeGreaterThan(now);
    expect(at - now).toBeLessThanOrEqual(DAY);
    const minutes = (at % DAY) / 60_000;
    expect(minutes).toBeGreaterThanOrEqual(180);
    expect(minutes).toBeLessThan(180 + 240);
    expect(nextReconcileAt('connection-a', schedule, at)).toBe(at + DAY);
  });

  it('spreads connections over the window, stably', () => {
    const offsets = Array.from({ length: 400 }, (_, n) => reconcileOffsetMinutes(`connection-${n}`, 240));
    expect(new Set(offsets).size).toBeGreaterThan(100);
    expect(Math.max(...offsets)).toBeLessThan(240);
    expect(reconcileOffsetMinutes('connection-7', 240)).toBe(offsets[7]);
    expect(reconcileOffsetMinutes('connection-7', 0)).toBe(0);
  });
});

describe('event type policy', () => {
  it('syncs busy types read-only, leaves birthdays and working locations out', () => {
    expect(eventTypePolicy(undefined)).toEqual({ sync: true, editable: true });
    expect(eventTypePolicy('outOfOffice')).toEqual({ sync: true, editable: false });
    expect(eventTypePolicy('birthday')).toEqual({ sync: false });
    expect(eventTypePolicy('workingLocation')).toEqual({ sync: false });
    expect(eventTypePolicy('somethingNew')).toEqual({ sync: true, editable: false });
    expect(isEditableEventType(null)).toBe(true);
    const refused = (() => {
      try {
        requireEditableEventType('focusTime');
      } catch (error) {
        return error;
      }
    })();
    expect(isFailure(refused, 'read_only_event')).toBe(true);
  });
});

describe('Graph zone names', () => {
  it('reads the offset of display names and bare offsets', () => {
    expect(offsetInZoneName('(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi')).toBe(330);
    expect(offsetInZoneName('(UTC-08:00) Pacific Time (US & Canada)')).toBe(-480);
    expect(offsetInZoneName('UTC+4')).toBe(240);
    expect(offsetInZoneName('GMT-03:00')).toBe(-180);
    expect(offsetInZoneName('(UTC) Coordinated Universal Time')).toBe(0);
    expect(offsetInZoneName('Pacific Standard Time')).toBeUndefined();
  });

  it('maps offsets to fixed-offset zones, and the custom marker to nothing', () => {
    expect(fixedOffsetZone(240)).toBe('Etc/GMT-4');
    expect(fixedOffsetZone(-480)).toBe('Etc/GMT+8');
    expect(fixedOffsetZone(330)).toBe('Asia/Kolkata');
    expect(zoneFromOffsetName('tzone://Microsoft/Custom')).toBeUndefined();
    expect(zoneFromOffsetName('(UTC+05:45) Kathmandu')).toBe('Asia/Kathmandu');
  });
});
