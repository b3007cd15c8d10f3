// Google's id for one occurrence of a recurring series: `<seriesMasterId>_<suffix>`, the suffix being the
// occurrence's original start, compact UTC `YYYYMMDDTHHMMSSZ` for a timed series or `YYYYMMDD` for an
// all-day one. Google answers GET/PATCH on that id whether or not the occurrence was ever edited.

import { ProviderError } from '../errors';
import type { EventTime } from '../../domain/events';

export function instanceIdFor(seriesMasterId: string, originalStart: EventTime): string {
  if (originalStart.kind === 'date') return `${seriesMasterId}_${originalStart.date.replace(/-/g, '')}`;
  const ms = Date.parse(originalStart.dateTime);
  if (Number.isNaN(ms)) throw new ProviderError('invalid_request', 'google', 'google occurrence start is not an ISO-8601 date-time');
  const iso = new Date(ms).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return `${seriesMasterId}_${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
}
