// Development sign-in: mints an API token for any organization, user and permissions, so `npm start` and
// then /console is the whole demo. It exists ONLY while the service verifies tokens with the development
// key (no JWT_PUBLIC_KEY) outside production (developmentSignInEnabled): with a real key it could not mint
// anything the API accepts anyway, and in production it is simply not mounted (fail closed).
import { z } from 'zod';
import type { Config } from '../../config';
import { ensureDevelopmentSigningKey } from '../auth/development-key';
import { ALL_PERMISSIONS, type Permission } from '../auth/permissions';
import { signApiToken } from '../auth/signer';
import { publicRoute } from '../routing/route';

/** A sign-in lasts a working day; the console asks again after that. */
const DEV_TOKEN_TTL_SECONDS = 8 * 3600;

export function developmentSignInEnabled(config: Pick<Config, 'JWT_PUBLIC_KEY' | 'NODE_ENV'>): boolean {
  return !config.JWT_PUBLIC_KEY && config.NODE_ENV !== 'production';
}

const identifier = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'at most 128 characters' })
  .regex(/^[^\s]+$/, { error: 'must not contain whitespace' });

const signInBody = z.strictObject({
  organizationId: identifier,
  userId: identifier,
  permissions: z
    .array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]], { error: `must be one of ${ALL_PERMISSIONS.join(', ')}` }))
    .max(ALL_PERMISSIONS.length),
});

const signInInfo = z.object({
  permissions: z.array(z.string()).describe('The permissions a token may carry'),
  ttlSeconds: z.number().int(),
});
const signedIn = z.object({ token: z.string(), expiresAt: z.iso.datetime({ offset: true }) });

export const devSignInRoutes = [
  publicRoute({
    method: 'get',
    path: '/v1/dev/sign-in',
    summary: 'Development only: whether the development sign-in exists, and the permissions it can grant',
    tag: 'Development',
    responses: { 200: { description: 'Available (absent, 404, outside development)', schema: signInInfo } },
  }).handle(async () => ({ status: 200, body: { permissions: ALL_PERMISSIONS, ttlSeconds: DEV_TOKEN_TTL_SECONDS } })),
  publicRoute({
    method: 'post',
    path: '/v1/dev/sign-in',
    summary: 'Development only: a token for an organization, a user and permissions, signed with the development key',
    tag: 'Development',
    body: signInBody,
    responses: {
      201: { description: 'A token for the local API', schema: signedIn },
      400: { description: 'Invalid input; `details` names each field' },
    },
  }).handle(async ({ body }, { config }) => {
    const key = await ensureDevelopmentSigningKey(config.DATA_DIR);
    const token = await signApiToken(key.privateJwk, {
      organizationId: body.organizationId,
      userId: body.userId,
      permissions: [...new Set(body.permissions)],
      ttlSeconds: DEV_TOKEN_TTL_SECONDS,
      ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
      ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    });
    return { status: 201, body: { token, expiresAt: new Date(Date.now() + DEV_TOKEN_TTL_SECONDS * 1000).toISOString() } };
  }),
];
