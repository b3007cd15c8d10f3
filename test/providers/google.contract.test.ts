// The provider contract against the Google fake, through the production Google adapter.

import { startGoogleFake } from '../../fakes/google';
import { createGoogleProvider } from '../../providers/google';
import { runProviderContract } from './contract.suite';

runProviderContract('google', async () => {
  const fake = await startGoogleFake({ allowLoopbackHttp: true });
  const client = { clientId: 'contract-test.apps.googleusercontent.com', clientSecret: 'contract-test-secret' };
  fake.registerClient(client.clientId, client.clientSecret);
  return {
    provider: createGoogleProvider(fake.endpoints, { timeoutMs: 10_000 }),
    fake,
    client,
    redirectUri: 'http://127.0.0.1:3000/oauth/google/callback',
  };
});
