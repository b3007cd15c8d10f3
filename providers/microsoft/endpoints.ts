// Where the Microsoft adapter sends its requests: the real cloud, or the local fake (tests and sandbox).
export interface MicrosoftEndpoints {
  /** Identity platform authority including the tenant, e.g. https://login.microsoftonline.com/common */
  authorityUrl: string;
  /** Graph root without version, e.g. https://graph.microsoft.com */
  graphBaseUrl: string;
}

export const MICROSOFT_PRODUCTION_ENDPOINTS: MicrosoftEndpoints = {
  authorityUrl: 'https://login.microsoftonline.com/common',
  graphBaseUrl: 'https://graph.microsoft.com',
};

/** Delegated scopes: sign-in (openid email), a refresh token (offline_access), profile and calendars. */
export const MICROSOFT_SCOPES = ['openid', 'email', 'offline_access', 'User.Read', 'Calendars.ReadWrite'] as const;
