export { createGoogleProvider, type GoogleProviderOptions } from './provider';
export { GOOGLE_PRODUCTION_ENDPOINTS, GOOGLE_SCOPES, type GoogleEndpoints } from './endpoints';
