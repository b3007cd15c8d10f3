// A development signing key for API tokens, made on the first `npm start` and reused afterwards, so
// `npm run token` can mint tokens the local API accepts. Production configures JWT_PUBLIC_KEY instead
// (the CRM signs tokens with its own private key; this service only verifies).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export const DEVELOPMENT_SIGNING_KEY_FILENAME = 'api-signing-key.dev.json';
export const SIGNING_ALGORITHM = 'ES256';

export interface DevelopmentSigningKey {
  path: string;
  created: boolean;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function ensureDevelopmentSigningKey(dataDir: string): Promise<DevelopmentSigningKey> {
  const file = path.join(dataDir, DEVELOPMENT_SIGNING_KEY_FILENAME);
  if (existsSync(file)) {
    const privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    return { path: file, created: false, privateJwk, publicJwk: publicPart(privateJwk) };
  }
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: SIGNING_ALGORITHM, kid: `dev-${Date.now()}` };
  writeFileSync(file, JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { path: file, created: true, privateJwk, publicJwk: publicPart(privateJwk) };
}

export function publicPart(jwk: JWK): JWK {
  const { d: _private, ...publicJwk } = jwk;
  return publicJwk;
}

/** Validates that the JWK is usable before anything relies on it. */
export async function assertUsableJwk(jwk: JWK): Promise<void> {
  await importJWK(jwk, SIGNING_ALGORITHM);
}
