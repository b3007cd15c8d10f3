// docker-compose.yml cannot be run here (no Docker engine), so it is validated against the Compose
// Specification's JSON schema (shipped by dclint) and checked for the topology the README promises.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');
interface Service {
  build?: unknown;
  image?: string;
  healthcheck?: unknown;
  restart?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

function composeValidator() {
  const schemaPath = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  // The file names draft-07 by a URL variant Ajv does not know; it is a draft-07 schema either way.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8'));
  return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check rejects what Compose would reject', () => {
    const validate = composeValidator();
    expect(validate({ services: { api: { image: 'x', restart_policy: 'always' } } })).toBe(false);
    expect(validate({ services: { api: { image: 'x', healthcheck: { test: 5 } } } })).toBe(false);
  });

  it('runs PostgreSQL, Temporal, its UI, the API and the worker, long-running ones with health checks', () => {
    const services = compose.services;
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'api', 'worker']) {
      expect(services[name]).toBeDefined();
      expect(services[name]!.healthcheck).toBeDefined();
    }
    expect(services.api!.build).toBe('.');
    expect(services.worker!.build).toBe('.');
    expect(services.api!.command).not.toEqual(services.worker!.command);
  });

  it('publishes neither Temporal frontend nor UI to other hosts (no port, or loopback only)', () => {
    const published = (name: string) => compose.services[name]!.ports ?? [];
    expect(published('temporal')).toEqual([]);
    for (const port of published('temporal-ui')) expect(port).toMatch(/^127\.0\.0\.1:/);
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'api') continue;
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('runs the API and the worker as ordinary database roles, never the superuser', () => {
    const superuser = compose.services.postgres!.environment!.POSTGRES_USER!;
    const userOf = (url: string) => new URL(url.replace(/\$\{[^}]*\}/g, 'x')).username;
    const api = compose.services.api!.environment!;
    const worker = compose.services.worker!.environment!;
    expect(userOf(api.DATABASE_URL!)).toBe('calsync_api');
    expect(userOf(api.SYSTEM_DATABASE_URL!)).toBe('calsync_system_user');
    expect(userOf(worker.DATABASE_URL!)).toBe('calsync_system_user');
    for (const url of [api.DATABASE_URL!, api.SYSTEM_DATABASE_URL!, worker.DATABASE_URL!]) expect(userOf(url)).not.toBe(superuser);
    // The roles they log in as are made ordinary, and members of the application and system roles.
    const init = readFileSync(path.join(root, 'deploy', 'postgres-init.sh'), 'utf8');
    expect(init).toMatch(/CREATE ROLE calsync_api LOGIN NOSUPERUSER NOBYPASSRLS[^;]*IN ROLE calsync_app;/);
    expect(init).toMatch(/CREATE ROLE calsync_system_user LOGIN NOSUPERUSER NOBYPASSRLS[^;]*IN ROLE calsync_system;/);
  });

  it('requires the production secrets instead of defaulting them', () => {
    const source = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    for (const name of ['JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE', 'VAULT_KEYS', 'PUBLIC_URL', 'POSTGRES_PASSWORD']) {
      expect(source).toMatch(new RegExp(`\\$\\{${name}:\\?`));
    }
  });
});
