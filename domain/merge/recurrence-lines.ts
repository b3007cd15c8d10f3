// Three-way merge of a series' recurrence lines. The rule (RRULE/EXRULE lines) is one value: both sides
// changing it differently is a collision. Excluded and added dates (EXDATE/RDATE) are sets: each side's
// additions and removals against the base are applied together, so one side cancelling an occurrence
// while the other cancels another keeps both cancellations. Pure.

type Parsed = { rules: string[]; dates: Set<string> };

/** `EXDATE;TZID=X:a,b` -> `EXDATE;TZID=X:a`, `EXDATE;TZID=X:b` (one element per date). */
function parse(lines: string[] | null): Parsed {
  const rules: string[] = [];
  const dates = new Set<string>();
  for (const raw of lines ?? []) {
    const line = raw.trim();
    const upper = line.toUpperCase();
    if (upper.startsWith('EXDATE') || upper.startsWith('RDATE')) {
      const colon = line.indexOf(':');
      const head = line.slice(0, colon); // TZID values are case-sensitive
      for (const value of line.slice(colon + 1).split(',')) if (value) dates.add(`${head}:${value.trim().toUpperCase()}`);
    } else rules.push(upper);
  }
  rules.sort();
  return { rules, dates };
}

function format(parsed: Parsed): string[] {
  return [...parsed.rules, ...[...parsed.dates].sort()];
}

export interface RecurrenceMerge {
  lines: string[] | null;
  /** Both sides changed the rule itself, differently. */
  ruleCollision: boolean;
}

export function mergeRecurrenceLines(base: string[] | null, local: string[] | null, remote: string[] | null): RecurrenceMerge {
  const b = parse(base);
  const l = parse(local);
  const r = parse(remote);
  const same = (x: string[], y: string[]) => JSON.stringify(x) === JSON.stringify(y);
  const localRule = !same(b.rules, l.rules);
  const remoteRule = !same(b.rules, r.rules);
  const ruleCollision = localRule && remoteRule && !same(l.rules, r.rules);
  const rules = localRule ? l.rules : r.rules;
  const dates = new Set(r.dates);
  for (const date of l.dates) if (!b.dates.has(date)) dates.add(date);
  for (const date of b.dates) if (!l.dates.has(date)) dates.delete(date);
  const lines = format({ rules, dates });
  return { lines: lines.length ? lines : null, ruleCollision };
}
