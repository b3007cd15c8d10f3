// Identifiers in the shapes Graph uses (opaque base64-ish event ids, Exchange GlobalObjectId iCalUIds, base64
// change keys).
import { randomBytes, randomUUID } from 'node:crypto';

export const newEventId = () => `AAMkAGI${randomBytes(24).toString('base64url')}AAA=`;
export const newCalendarId = () => `AAMkAGI${randomBytes(18).toString('base64url')}AAA=`;
export const newChangeKey = () => randomBytes(12).toString('base64');
export const newGuid = () => randomUUID();
export const newOpaqueToken = (prefix: string, bytes = 32) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

// An Exchange GlobalObjectId in hex: a fixed class id, four bytes of instance date (zero for the series
// itself), then creation time and a unique part. Graph: iCalUId "is different for each occurrence".
const GLOBAL_OBJECT_CLASS = '040000008200E00074C5B7101A82E008';
export const newICalUid = () => `${GLOBAL_OBJECT_CLASS}00000000${randomBytes(28).toString('hex').toUpperCase()}`;

/** The iCalUId of one occurrence: the series' with the original date (year as two bytes, month, day). */
export function occurrenceICalUid(seriesICalUid: string, date: string): string {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  return `${seriesICalUid.slice(0, 32)}${hex(year, 4)}${hex(month, 2)}${hex(day, 2)}${seriesICalUid.slice(40)}`;
}

/** Occurrence ids are derived from the master id and the occurrence's original date in the series' zone. */
export const occurrenceId = (masterId: string, originalDate: string) => `${masterId}_OID${originalDate.replace(/-/g, '')}`;

/** The master id and original date an occurrence id names, if it names one. */
export function parseOccurrenceId(id: string): { masterId: string; date: string } | undefined {
  const m = /^(.*)_OID(\d{4})(\d{2})(\d{2})$/.exec(id);
  return m ? { masterId: m[1]!, date: `${m[2]}-${m[3]}-${m[4]}` } : undefined;
}
