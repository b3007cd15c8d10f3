// The adapter's opaque sync positions: Google's syncToken and/or pageToken, as base64url JSON so callers
// can store them as one string. A `page` position resumes a pass; a `cursor` starts the next incremental one.

import { z } from 'zod';

const positionSchema = z.object({
  v: z.literal(1),
  syncToken: z.string().min(1).optional(),
  pageToken: z.string().min(1).optional(),
});

export type GooglePosition = z.infer<typeof positionSchema>;

export function encodePosition(position: Omit<GooglePosition, 'v'>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position })).toString('base64url');
}

/** Undefined for anything this adapter did not write (the caller treats it as an expired cursor). */
export function decodePosition(value: string): GooglePosition | undefined {
  try {
    const parsed = positionSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
