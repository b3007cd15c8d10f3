export { createMicrosoftProvider, type MicrosoftProviderOptions } from './provider';
export { MICROSOFT_PRODUCTION_ENDPOINTS, MICROSOFT_SCOPES, type MicrosoftEndpoints } from './endpoints';
