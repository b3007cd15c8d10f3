// Identifiers in the shapes Graph uses (opaque base64-ish event ids, hex iCalUIds, base64 change keys).
import { randomBytes, randomUUID } from 'node:crypto';

export const newEventId = () => `AAMkAGI${randomBytes(24).toString('base64url')}AAA=`;
export const newCalendarId = () => `AAMkAGI${randomBytes(18).toString('base64url')}AAA=`;
export const newChangeKey = () => randomBytes(12).toString('base64');
export const newICalUid = () => `040000008200E00074C5B7101A82E008${randomBytes(24).toString('hex').toUpperCase()}`;
export const newGuid = () => randomUUID();
export const newOpaqueToken = (prefix: string, bytes = 32) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

/** Occurrence ids are derived from the master id and the occurrence's original start date. */
export const occurrenceId = (masterId: string, originalStartDate: string) => `${masterId}_OID${originalStartDate.replace(/-/g, '')}`;
