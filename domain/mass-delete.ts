// The mass-delete breaker: a sync that would delete much of a calendar at once holds the deletions for an
// operator instead of applying them. A provider that answers an empty or truncated listing (a resync gone
// wrong, a calendar unshared for a moment) must never empty the CRM's copy. Pure.

export interface MassDeleteLimits {
  /** Hold when one pass would delete more than this share of the calendar's stored events... */
  maxShare: number;
  /** ...and the calendar holds at least this many (small calendars delete freely). */
  minEvents: number;
}

export const DEFAULT_MASS_DELETE_LIMITS: MassDeleteLimits = { maxShare: 0.5, minEvents: 20 };

export type MassDeleteVerdict =
  | { hold: false }
  | {
      hold: true;
      /** `share`: too many deletions at once; `empty_listing`: a full read found nothing while rows are stored. */
      reason: 'share' | 'empty_listing';
      pending: number;
      stored: number;
    };

/**
 * Whether deleting `pending` of the `stored` live events of one calendar must wait for an operator.
 * `fullListingEmpty`: the pass was a complete full read that listed no event at all.
 */
export function massDeleteVerdict(
  input: { pending: number; stored: number; fullListingEmpty: boolean },
  limits: MassDeleteLimits = DEFAULT_MASS_DELETE_LIMITS,
): MassDeleteVerdict {
  const { pending, stored } = input;
  if (pending === 0 || stored < limits.minEvents) return { hold: false };
  if (input.fullListingEmpty) return { hold: true, reason: 'empty_listing', pending, stored };
  if (pending > limits.maxShare * stored) return { hold: true, reason: 'share', pending, stored };
  return { hold: false };
}
