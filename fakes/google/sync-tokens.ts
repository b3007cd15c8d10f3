// Page and sync tokens of events.list: opaque base64url JSON. A sync token remembers the change-log
// position and the account's cursor epoch (bumped to expire every token); a page token remembers where
// the pass stopped and whether it is a full or an incremental pass.

export interface SyncTokenData {
  calendarId: string;
  afterSeq: number;
  epoch: number;
}

export interface PageTokenData {
  calendarId: string;
  afterSeq: number;
  /** Incremental pass: the epoch its sync token was issued in (re-checked on every page). */
  epoch?: number;
  showDeleted: boolean;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(token: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function encodeSyncToken(data: SyncTokenData): string {
  return encode({ t: 's', c: data.calendarId, a: data.afterSeq, e: data.epoch });
}

export function decodeSyncToken(token: string): SyncTokenData | undefined {
  const raw = decode(token);
  if (!raw || raw.t !== 's' || typeof raw.c !== 'string' || typeof raw.a !== 'number' || typeof raw.e !== 'number') return undefined;
  return { calendarId: raw.c, afterSeq: raw.a, epoch: raw.e };
}

export function encodePageToken(data: PageTokenData): string {
  return encode({ t: 'p', c: data.calendarId, a: data.afterSeq, e: data.epoch, d: data.showDeleted });
}

export function decodePageToken(token: string): PageTokenData | undefined {
  const raw = decode(token);
  if (!raw || raw.t !== 'p' || typeof raw.c !== 'string' || typeof raw.a !== 'number' || typeof raw.d !== 'boolean') return undefined;
  return { calendarId: raw.c, afterSeq: raw.a, showDeleted: raw.d, ...(typeof raw.e === 'number' ? { epoch: raw.e } : {}) };
}
