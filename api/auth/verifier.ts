// Verifies API tokens: ES256 JWTs signed by the CRM (JWT_PUBLIC_KEY) or, locally, by the development key
// in DATA_DIR. A token names the organization (`org`), the user (`sub`) and the `permissions` it grants.
import { importJWK, importSPKI, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../../config';
import { SIGNING_ALGORITHM, ensureDevelopmentSigningKey } from './development-key';

/** Printable ASCII without spaces: ids end up in workflow ids, search attributes and log lines. */
const idClaim = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/);
const claimsSchema = z.object({
  org: idClaim,
  sub: idClaim,
  permissions: z.array(z.string().max(128)).max(100),
});

export interface Caller {
  organizationId: string;
  userId: string;
  permissions: ReadonlySet<string>;
}

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export type TokenVerifier = (token: string) => Promise<Caller>;

type VerifierConfig = Pick<Config, 'JWT_PUBLIC_KEY' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'NODE_ENV'>;

async function loadKey(config: VerifierConfig, dataDir: string): Promise<CryptoKey | Uint8Array> {
  const configured = config.JWT_PUBLIC_KEY?.trim();
  if (configured?.startsWith('{')) return importJWK(JSON.parse(configured) as JWK, SIGNING_ALGORITHM);
  if (configured) return importSPKI(configured.replace(/\\n/g, '\n'), SIGNING_ALGORITHM);
  // Never a development key in production (config/production.ts stops the process before this).
  if (config.NODE_ENV === 'production') throw new Error('JWT_PUBLIC_KEY is required with NODE_ENV=production');
  const { publicJwk } = await ensureDevelopmentSigningKey(dataDir);
  return importJWK(publicJwk, SIGNING_ALGORITHM);
}

export async function createTokenVerifier(config: VerifierConfig, dataDir: string): Promise<TokenVerifier> {
  const key = await loadKey(config, dataDir);
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [SIGNING_ALGORITHM],
        ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
        ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED...) are safe to show.
      const code = (error as { code?: string }).code;
      throw new InvalidTokenError(code === 'ERR_JWT_EXPIRED' ? 'Token expired' : 'Token is not valid');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('Token lacks org, sub or permissions claims');
    return { organizationId: claims.data.org, userId: claims.data.sub, permissions: new Set(claims.data.permissions) };
  };
}
