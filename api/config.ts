// Settings only the API reads (token verification, OAuth redirect, rate limit), parsed from the
// environment with the same fail-fast style as config/index.ts, so a wrong value names its variable.
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const apiEnvSchema = z.object({
  /** The CRM's public key for API tokens: a JWK (JSON) or an SPKI PEM. Unset: the development key. */
  JWT_PUBLIC_KEY: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  /** Where the browser goes after a successful OAuth callback (connectionId and provider are appended). */
  OAUTH_SUCCESS_REDIRECT: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

export type ApiConfig = z.infer<typeof apiEnvSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid API configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
