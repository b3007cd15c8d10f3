import { loadConfig } from '../../config';
import { productionProblems } from '../../config/production';

const complete = {
  NODE_ENV: 'production',
  JWT_PUBLIC_KEY: '{"kty":"EC"}',
  JWT_ISSUER: 'https://crm.example/',
  JWT_AUDIENCE: 'calendar-sync',
  VAULT_KEYS: 'k1:AAAA',
  PUBLIC_URL: 'https://calendar.example',
};

describe('production settings', () => {
  it('are complete with a JWT key, issuer and audience, a keyring and an https PUBLIC_URL', () => {
    expect(productionProblems(loadConfig(complete))).toEqual([]);
  });

  it.each(['JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE', 'VAULT_KEYS', 'PUBLIC_URL'] as const)('miss %s', (name) => {
    const problems = productionProblems(loadConfig({ ...complete, [name]: '' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('refuse the development keyring file and keys, and plain http', () => {
    expect(productionProblems(loadConfig({ ...complete, VAULT_KEYS: '', VAULT_KEYRING_FILE: '/data/vault-keyring.dev.json' }))).toEqual([
      expect.stringContaining('development keyring'),
    ]);
    expect(productionProblems(loadConfig({ ...complete, VAULT_CURRENT_KEY_ID: 'dev-2026-11-aaaaaa' }))).toEqual([
      expect.stringContaining('development key id'),
    ]);
    expect(productionProblems(loadConfig({ ...complete, PUBLIC_URL: 'http://calendar.example' }))).toEqual([
      expect.stringContaining('https'),
    ]);
  });

  it('ask nothing outside production', () => {
    expect(productionProblems(loadConfig({}))).toEqual([]);
  });
});
