// The provider contract against the Microsoft Graph fake (HTTPS with a test CA), through the production
// Microsoft adapter.
import { startMicrosoftFake } from '../../fakes/microsoft';
import { createMicrosoftProvider } from '../../providers/microsoft';
import { runProviderContract } from './contract.suite';

runProviderContract('microsoft', async () => {
  const fake = await startMicrosoftFake({ allowLoopbackHttp: true });
  const client = { clientId: '6f1c2a9e-contract-test', clientSecret: 'contract-test-secret~value' };
  fake.registerClient(client.clientId, client.clientSecret);
  return {
    provider: createMicrosoftProvider(fake.endpoints, { ca: fake.caCertificate, timeoutMs: 10_000 }),
    fake,
    client,
    redirectUri: 'http://127.0.0.1:3000/oauth/microsoft/callback',
  };
});
