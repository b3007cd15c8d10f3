// Custom search attributes operators filter on in the Temporal UI / CLI, e.g.
// `ConnectionHealth = 'needs_reconnect'` or `OrganizationId = 'acme'`. All are Keyword.
// The dev server registers them at start (scripts/dev/temporal-server.ts); a production cluster needs
// `temporal operator search-attribute create` once (README).
import { defineSearchAttributeKey } from '@temporalio/common';

export const OrganizationId = defineSearchAttributeKey('OrganizationId', 'KEYWORD');
export const UserId = defineSearchAttributeKey('UserId', 'KEYWORD');
export const CalendarProvider = defineSearchAttributeKey('CalendarProvider', 'KEYWORD');
export const ConnectionHealth = defineSearchAttributeKey('ConnectionHealth', 'KEYWORD');

export const CUSTOM_SEARCH_ATTRIBUTES = [OrganizationId, UserId, CalendarProvider, ConnectionHealth];
