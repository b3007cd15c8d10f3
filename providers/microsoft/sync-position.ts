// Opaque sync positions for fetchChanges: they wrap Graph's absolute @odata.nextLink (a page of the
// current round) or @odata.deltaLink (the cursor for the next round). Graph's tokens encode the window,
// so changing the window means starting a new full round (position null).
import { ProviderError } from '../errors';

export interface DecodedPosition {
  kind: 'page' | 'cursor';
  url: string;
}

const PREFIX = 'msgraph1.';

export function encodePosition(position: DecodedPosition): string {
  return PREFIX + Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodePosition(value: string): DecodedPosition {
  try {
    if (!value.startsWith(PREFIX)) throw new Error('prefix');
    const parsed = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64url').toString('utf8')) as Partial<DecodedPosition>;
    if ((parsed.kind === 'page' || parsed.kind === 'cursor') && typeof parsed.url === 'string' && parsed.url.startsWith('https://')) {
      return { kind: parsed.kind, url: parsed.url };
    }
  } catch {
    // handled below
  }
  // An unreadable cursor cannot be resumed: ask for a full resync rather than failing forever.
  throw new ProviderError('cursor_expired', 'microsoft', 'sync position is not a Microsoft Graph position');
}
