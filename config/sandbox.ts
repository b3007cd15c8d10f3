// The sandbox providers: the local fakes of Google and Microsoft (fakes/) that `npm start` runs when no real
// OAuth credentials are configured. Their OAuth clients are fixed, public values owned here, by the
// service's configuration; the fakes register the same clients from this file.

export const GOOGLE_SANDBOX_CLIENT = { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'sandbox-client-secret' };
export const SANDBOX_MICROSOFT_CLIENT = { clientId: 'sandbox-microsoft-client', clientSecret: 'sandbox-microsoft-secret' } as const;

export const DEFAULT_SANDBOX_GOOGLE_URL = 'http://127.0.0.1:4010';
export const DEFAULT_SANDBOX_MICROSOFT_URL = 'https://127.0.0.1:4011';
