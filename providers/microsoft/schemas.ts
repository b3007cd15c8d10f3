// zod schemas for what the adapter reads from Graph and the token endpoint; anything else is
// malformed_response. Permissive on extra fields, strict on the ones the adapter relies on.
import { z } from 'zod';

export const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });

const emailAddress = z.object({ address: z.string().nullish(), name: z.string().nullish() });

export const graphEventSchema = z.object({
  id: z.string(),
  changeKey: z.string().nullish(),
  '@odata.etag': z.string().nullish(),
  iCalUId: z.string().nullish(),
  subject: z.string().nullish(),
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  location: z.object({ displayName: z.string().nullish() }).nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  originalStartTimeZone: z.string().nullish(),
  originalEndTimeZone: z.string().nullish(),
  originalStart: z.string().nullish(),
  isAllDay: z.boolean().nullish(),
  isCancelled: z.boolean().nullish(),
  showAs: z.string().nullish(),
  sensitivity: z.string().nullish(),
  type: z.enum(['singleInstance', 'occurrence', 'exception', 'seriesMaster']).nullish(),
  seriesMasterId: z.string().nullish(),
  recurrence: z
    .object({
      pattern: z.object({
        type: z.enum(['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly']),
        interval: z.number(),
        month: z.number().nullish(),
        dayOfMonth: z.number().nullish(),
        daysOfWeek: z.array(z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])).nullish(),
        firstDayOfWeek: z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']).nullish(),
        index: z.enum(['first', 'second', 'third', 'fourth', 'last']).nullish(),
      }),
      range: z.object({
        type: z.enum(['endDate', 'noEnd', 'numbered']),
        startDate: z.string(),
        endDate: z.string().nullish(),
        numberOfOccurrences: z.number().nullish(),
        recurrenceTimeZone: z.string().nullish(),
      }),
    })
    .nullish(),
  organizer: z.object({ emailAddress }).nullish(),
  attendees: z
    .array(
      z.object({
        type: z.string().nullish(),
        status: z.object({ response: z.string().nullish() }).nullish(),
        emailAddress,
      }),
    )
    .nullish(),
  lastModifiedDateTime: z.string().nullish(),
});
export type GraphEvent = z.infer<typeof graphEventSchema>;

/** A page of a plain event collection (e.g. a series' instances). */
export const eventListSchema = z.object({
  value: z.array(graphEventSchema),
  '@odata.nextLink': z.string().url().nullish(),
});

const removedSchema = z.object({ id: z.string(), '@removed': z.object({ reason: z.string().nullish() }) });

export const deltaPageSchema = z.object({
  value: z.array(z.union([removedSchema, z.record(z.string(), z.unknown())])),
  '@odata.nextLink': z.string().url().nullish(),
  '@odata.deltaLink': z.string().url().nullish(),
});

export const meSchema = z.object({ id: z.string().min(1), mail: z.string().nullish(), userPrincipalName: z.string().nullish() });

export const calendarsSchema = z.object({
  value: z.array(
    z.object({ id: z.string(), name: z.string().nullish(), isDefaultCalendar: z.boolean().nullish(), canEdit: z.boolean().nullish() }),
  ),
  '@odata.nextLink': z.string().nullish(),
});

export const scheduleSchema = z.object({
  value: z.array(
    z.object({
      scheduleId: z.string(),
      scheduleItems: z.array(z.object({ status: z.string(), start: dateTimeTimeZone, end: dateTimeTimeZone })).nullish(),
      error: z.object({ message: z.string().nullish(), responseCode: z.string().nullish() }).nullish(),
    }),
  ),
});

/** A calendarView page, as far as free/busy needs it. */
export const calendarViewPageSchema = z.object({
  value: z.array(
    z.object({ showAs: z.string().nullish(), isCancelled: z.boolean().nullish(), start: dateTimeTimeZone, end: dateTimeTimeZone }),
  ),
  '@odata.nextLink': z.string().url().nullish(),
});

export const subscriptionSchema = z.object({ id: z.string(), expirationDateTime: z.string() });

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.coerce.number(),
  scope: z.string().nullish(),
  refresh_token: z.string().nullish(),
  id_token: z.string().nullish(),
});

export const tokenErrorSchema = z.object({ error: z.string().optional(), error_codes: z.array(z.number()).optional() }).passthrough();

export const notificationSchema = z.object({
  value: z
    .array(
      z.object({
        subscriptionId: z.string(),
        clientState: z.string().nullish(),
        changeType: z.string().optional(),
        lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']).optional(),
        resourceData: z.object({ id: z.string().optional() }).passthrough().nullish(),
      }),
    )
    .min(1),
});
