// Attendee lists sealed inside Temporal payloads. Meeting and event-edit updates carry the attendee list a
// CRM caller sent, and workflow histories are read by operators in the Temporal UI: so every `attendees`
// array in a payload is replaced by a vault-sealed blob on the way out (API client and worker) and opened on
// the way in. Only those lists are sealed; the rest of each payload stays readable JSON, so the UI still
// shows what happened. Workflow code never sees the difference (codecs run outside the workflow sandbox).
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { open, seal, type SealContext } from '../vault/envelope';
import type { Keyring } from '../vault/keyring';

const JSON_ENCODING = 'json/plain';
const SEALED_MARK = 'attendees-sealed';
const SEALED_KEY = '$sealed';
const CONTEXT: SealContext = { credentialId: 'temporal-payload', kind: 'attendee_list', organizationId: null };
const MAX_DEPTH = 32;

interface SealedList {
  [SEALED_KEY]: { k: string; w: string; c: string; i: string; t: string };
}

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function isSealed(value: unknown): value is SealedList {
  return typeof value === 'object' && value !== null && SEALED_KEY in value;
}

/** Rewrites every `attendees` value in place with `rewrite`; true when something changed. */
function rewriteAttendees(value: unknown, rewrite: (list: unknown) => unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return false;
  let changed = false;
  if (Array.isArray(value)) {
    for (const item of value) changed = rewriteAttendees(item, rewrite, depth + 1) || changed;
    return changed;
  }
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    if (key === 'attendees' && child !== null && child !== undefined) {
      const next = rewrite(child);
      if (next !== child) {
        record[key] = next;
        changed = true;
      }
    } else {
      changed = rewriteAttendees(child, rewrite, depth + 1) || changed;
    }
  }
  return changed;
}

export function attendeeSealingCodec(keyring: Keyring): PayloadCodec {
  const sealList = (list: unknown): unknown => {
    if (!Array.isArray(list) || list.length === 0) return list;
    const sealed = seal(keyring, CONTEXT, JSON.stringify(list));
    return {
      [SEALED_KEY]: { k: sealed.keyId, w: b64(sealed.wrappedKey), c: b64(sealed.ciphertext), i: b64(sealed.iv), t: b64(sealed.authTag) },
    };
  };
  const openList = (value: unknown): unknown => {
    if (!isSealed(value)) return value;
    const { k, w, c, i, t } = value[SEALED_KEY];
    const from = (s: string) => Buffer.from(s, 'base64');
    return JSON.parse(open(keyring, CONTEXT, { keyId: k, wrappedKey: from(w), ciphertext: from(c), iv: from(i), authTag: from(t) }));
  };

  return {
    async encode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        if (text(payload.metadata?.encoding) !== JSON_ENCODING || !payload.data) return payload;
        const value: unknown = JSON.parse(text(payload.data)!);
        if (!rewriteAttendees(value, sealList)) return payload;
        return { metadata: { ...payload.metadata, [SEALED_MARK]: Buffer.from('1') }, data: Buffer.from(JSON.stringify(value)) };
      });
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        if (!payload.metadata?.[SEALED_MARK] || !payload.data) return payload;
        const value: unknown = JSON.parse(text(payload.data)!);
        rewriteAttendees(value, openList);
        const { [SEALED_MARK]: _mark, ...metadata } = payload.metadata;
        return { metadata, data: Buffer.from(JSON.stringify(value)) };
      });
    },
  };
}

/** The data converter every Temporal client and worker of the service uses. */
export function temporalDataConverter(keyring: Keyring): DataConverter {
  return { payloadCodecs: [attendeeSealingCodec(keyring)] };
}
