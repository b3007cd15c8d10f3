// What this service does with each kind of provider event. Google returns every event type unless asked
// otherwise (developers.google.com/calendar/api/guides/event-types), and only `default` events can be edited
// freely: the others have type-specific rules, so the CRM never writes them back.
//
// | type            | synced | counts as busy | editable from the CRM | why                                             |
// | --------------- | ------ | -------------- | --------------------- | ----------------------------------------------- |
// | default         | yes    | yes            | yes                   | an ordinary event                               |
// | outOfOffice     | yes    | yes            | no                    | the person is away: free/busy must say so       |
// | focusTime       | yes    | yes            | no                    | the person blocked the time                     |
// | fromGmail       | yes    | yes            | no                    | flights, reservations: real commitments         |
// | birthday        | no     | -              | -                     | a contact's date, transparent, not a commitment |
// | workingLocation | no     | -              | -                     | where someone works, transparent, not a meeting |
// | anything else   | yes    | yes            | no                    | unknown rules: shown, never written             |
import { Failure } from './failures';

export type EventTypePolicy = { sync: false } | { sync: true; editable: boolean };

const POLICY: Record<string, EventTypePolicy> = {
  default: { sync: true, editable: true },
  outOfOffice: { sync: true, editable: false },
  focusTime: { sync: true, editable: false },
  fromGmail: { sync: true, editable: false },
  birthday: { sync: false },
  workingLocation: { sync: false },
};

/** The policy for a provider event type (undefined or null: an ordinary event). */
export function eventTypePolicy(type: string | null | undefined): EventTypePolicy {
  if (!type) return POLICY.default!;
  return POLICY[type] ?? { sync: true, editable: false };
}

/** Whether the CRM may write this event back to its calendar. */
export function isEditableEventType(type: string | null | undefined): boolean {
  const policy = eventTypePolicy(type);
  return policy.sync && policy.editable;
}

/** Refuses a CRM-side write of an event the policy keeps read-only (out of office, focus time, Gmail's). */
export function requireEditableEventType(type: string | null | undefined): void {
  if (!isEditableEventType(type)) {
    throw new Failure('read_only_event', `A ${type} event is shown as busy but cannot be changed from the CRM`);
  }
}
