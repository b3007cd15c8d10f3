// The parts of Google's responses the adapter relies on, validated: a response that does not match is a
// `malformed_response`, never a half-read event written downstream.

import { z } from 'zod';

const timeSchema = z.object({
  dateTime: z.string().optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  timeZone: z.string().optional(),
});

const attendeeSchema = z.object({
  email: z.string().optional(),
  displayName: z.string().optional(),
  optional: z.boolean().optional(),
  responseStatus: z.enum(['needsAction', 'declined', 'tentative', 'accepted']).optional(),
  resource: z.boolean().optional(),
});

export const eventSchema = z.object({
  id: z.string().min(1),
  etag: z.string().optional(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  start: timeSchema.optional(),
  end: timeSchema.optional(),
  recurrence: z.array(z.string()).optional(),
  recurringEventId: z.string().optional(),
  originalStartTime: timeSchema.optional(),
  iCalUID: z.string().optional(),
  updated: z.string().optional(),
  organizer: z.object({ email: z.string().optional(), displayName: z.string().optional() }).optional(),
  attendees: z.array(attendeeSchema).optional(),
  visibility: z.string().optional(),
  transparency: z.string().optional(),
  /** default, outOfOffice, focusTime, fromGmail, birthday, workingLocation (more may come). */
  eventType: z.string().optional(),
});
export type GoogleEvent = z.infer<typeof eventSchema>;

export const eventsListSchema = z
  .object({
    items: z.array(eventSchema).default([]),
    nextPageToken: z.string().optional(),
    nextSyncToken: z.string().optional(),
    timeZone: z.string().optional(),
  })
  .refine((page) => (page.nextPageToken === undefined) !== (page.nextSyncToken === undefined), {
    message: 'exactly one of nextPageToken and nextSyncToken',
  });

export const calendarListSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.string().min(1),
        summary: z.string().optional(),
        summaryOverride: z.string().optional(),
        primary: z.boolean().optional(),
        timeZone: z.string().optional(),
        accessRole: z.string(),
      }),
    )
    .default([]),
  nextPageToken: z.string().optional(),
});

export const freeBusySchema = z.object({
  calendars: z.record(
    z.string(),
    z.object({
      busy: z.array(z.object({ start: z.string(), end: z.string() })).default([]),
      errors: z.array(z.object({ domain: z.string().optional(), reason: z.string() })).optional(),
    }),
  ),
});

export const channelSchema = z.object({
  id: z.string().min(1),
  resourceId: z.string().min(1),
  expiration: z.union([z.string().regex(/^\d+$/), z.number()]).optional(),
});

export const userinfoSchema = z.object({ sub: z.string().min(1).max(255), email: z.string().min(3) });

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional().nullable(),
  expiry_date: z.number().optional().nullable(),
  scope: z.string().optional(),
  id_token: z.string().optional().nullable(),
});

/** Google's error body, as far as classification needs it. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), domain: z.string().optional() })).optional(),
    status: z.string().optional(),
  }),
});

export const oauthErrorSchema = z.object({ error: z.string() });
