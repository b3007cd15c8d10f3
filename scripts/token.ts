// Prints an API token the local service accepts, signed with the development key in DATA_DIR (created if
// missing; the API verifies with the same key unless JWT_PUBLIC_KEY is configured).
//
// Usage:
//   npm run --silent token -- --org acme --user alice \
//     --permissions ce.calendar.connect,ce.calendar.schedule,ce.calendar.view [--ttl 3600]
//   curl -H "Authorization: Bearer $(npm run --silent token -- --org acme --user alice --permissions ce.calendar.view)" \
//     http://127.0.0.1:3000/v1/connections
//
// Permissions: ce.calendar.connect, ce.calendar.schedule, ce.calendar.view, ce.calendar.view-all,
// ce.calendar.admin. --ttl is in seconds (default 3600). JWT_ISSUER / JWT_AUDIENCE, when set, are added.
import { parseArgs } from 'node:util';
import { ensureDevelopmentSigningKey } from '../api/auth/development-key';
import { ALL_PERMISSIONS } from '../api/auth/permissions';
import { signApiToken } from '../api/auth/signer';
import { loadConfig } from '../config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      user: { type: 'string' },
      permissions: { type: 'string', default: '' },
      ttl: { type: 'string', default: '3600' },
    },
    strict: true,
  });
  if (!values.org || !values.user) throw new Error('--org and --user are required');
  const permissions = values.permissions
    .split(',')
    .map((permission) => permission.trim())
    .filter(Boolean);
  const unknown = permissions.filter((permission) => !(ALL_PERMISSIONS as string[]).includes(permission));
  if (unknown.length > 0) throw new Error(`unknown permission(s): ${unknown.join(', ')} (known: ${ALL_PERMISSIONS.join(', ')})`);
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('--ttl must be a positive whole number of seconds');

  const config = loadConfig();
  const key = await ensureDevelopmentSigningKey(config.DATA_DIR);
  if (key.created) console.error(`created development signing key ${key.path}`);
  const token = await signApiToken(key.privateJwk, {
    organizationId: values.org,
    userId: values.user,
    permissions,
    ttlSeconds,
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
