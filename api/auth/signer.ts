// Mints API tokens with a private JWK: used by `npm run token` (development key) and by tests.
import { SignJWT, importJWK, type JWK } from 'jose';
import { SIGNING_ALGORITHM } from './development-key';

export interface TokenClaims {
  organizationId: string;
  userId: string;
  permissions: string[];
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

export async function signApiToken(privateJwk: JWK, claims: TokenClaims): Promise<string> {
  const key = await importJWK(privateJwk, SIGNING_ALGORITHM);
  let jwt = new SignJWT({ org: claims.organizationId, permissions: claims.permissions })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.ttlSeconds ?? 3600));
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(key);
}
