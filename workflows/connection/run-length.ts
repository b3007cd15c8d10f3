// How long one run of the connection workflow gets before it continues as new. A worker holding more
// connections than its workflow cache rebuilds an evicted workflow from its run's whole history at its next
// wake-up (a poll, a push), at about 1 ms of CPU per history event (npm run bench:replay): the run's length is
// paid at nearly every poll. A new run costs one workflow task and carries the whole state.

/** A run continues as new past this many history events (about a dozen syncs), or when the server suggests it. */
export const HISTORY_EVENT_LIMIT = 150;

/** Runs started before the SHORT_RUNS patch continue as new past this many events (their histories replay so). */
export const LONG_RUN_EVENT_LIMIT = 2_000;

/** Patch: runs continue as new past HISTORY_EVENT_LIMIT instead of LONG_RUN_EVENT_LIMIT. */
export const SHORT_RUNS = 'short-runs';
