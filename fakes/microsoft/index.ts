export { startMicrosoftFake, SANDBOX_MICROSOFT_CLIENT, type MicrosoftFake, type MicrosoftFakeOptions } from './server';
