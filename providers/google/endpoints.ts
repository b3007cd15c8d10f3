// Where the Google adapter sends its requests: Google itself in production, a local fake in tests and
// the sandbox.

export interface GoogleEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  userinfoUrl: string;
  /** Root of the Calendar API; requests go to `<origin>/calendar/v3/...` (the client drops any path prefix). */
  apiRootUrl: string;
  /** Root of the Admin SDK (`<root>admin/directory/v1/...`); default: apiRootUrl (the fakes serve both). */
  directoryRootUrl?: string;
}

export const GOOGLE_PRODUCTION_ENDPOINTS: GoogleEndpoints = {
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  userinfoUrl: 'https://www.googleapis.com/oauth2/v3/userinfo',
  apiRootUrl: 'https://www.googleapis.com/',
  directoryRootUrl: 'https://admin.googleapis.com/',
};

/** What each calendar scope lets the service do, for the message when a user unticked it at consent. */
export const GOOGLE_REQUIRED_SCOPES: ReadonlyArray<{ scope: string; purpose: string }> = [
  { scope: 'https://www.googleapis.com/auth/calendar.events', purpose: 'view and edit events (sync, meetings, edits)' },
  { scope: 'https://www.googleapis.com/auth/calendar.readonly', purpose: 'see the list of calendars and free/busy' },
];
/** The full calendar scope covers both. */
export const GOOGLE_FULL_CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';

export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
  'openid',
  'email',
];
