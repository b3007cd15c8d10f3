export { startGoogleFake, GOOGLE_SANDBOX_CLIENT, type GoogleFake, type GoogleFakeOptions } from './server';
export type { GoogleFaultSpec } from './faults';
