// How much work one expansion of a recurrence rule may do, whoever asks (an API request, a sync, a
// reminder plan). Every expansion is bounded three ways: by the series' own span (COUNT, UNTIL), by a
// horizon (nothing is expanded or addressed further ahead than this), and by a work budget (days looked at).
// Measured on the 2-core reference machine, a whole budget costs about 15 ms of one core: far below the
// 100 ms a request may spend, and small enough that the worker keeps serving every other organization.

export const RECURRENCE_LIMITS = {
  /** Occurrences exist for this service up to this many years after the later of now and the series' start. */
  horizonYears: 10,
  /** Candidate days one expansion may look at (a daily period is 1 day, weekly 7, monthly <= 31, yearly <= 366). */
  workBudget: 200_000,
} as const;

const YEAR_MS = 365.25 * 86_400_000;

/** The last instant an occurrence of a series starting at `seriesStart` may have, seen at `now`. */
export function recurrenceHorizon(seriesStart: Date, now: Date): Date {
  return new Date(Math.max(seriesStart.getTime(), now.getTime()) + RECURRENCE_LIMITS.horizonYears * YEAR_MS);
}
