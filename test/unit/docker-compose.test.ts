// docker-compose.yml cannot be run here (no Docker engine), so it is validated against the Compose
// Specification's JSON schema (shipped by dclint) and checked for the topology the README promises.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { build?: unknown; image?: string; healthcheck?: unknown; restart?: string; command?: string[] }>;
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
});
