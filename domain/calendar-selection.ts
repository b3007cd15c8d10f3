// The owner's choice among an account's calendars, as the API accepts it and the connection workflow
// validates it again: which calendars sync, and which one receives scheduled meetings. Pure.
import { z } from 'zod';

const externalCalendarId = z.string().min(1).max(1024);

export const calendarSelectionSchema = z
  .strictObject({
    sync: z
      .array(externalCalendarId)
      .min(1, { error: 'select at least one calendar' })
      .max(100)
      .optional()
      .describe('Exactly the calendars to read; all others stop syncing'),
    writeTarget: externalCalendarId.optional().describe('The calendar that receives scheduled meetings (must be writable)'),
  })
  .refine((body) => body.sync !== undefined || body.writeTarget !== undefined, { error: 'give sync, writeTarget or both' });

export type CalendarSelection = z.infer<typeof calendarSelectionSchema>;
