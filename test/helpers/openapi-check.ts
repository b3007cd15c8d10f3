// Checks an API response against the API's own OpenAPI document (GET /openapi.json), the way an
// independent validating proxy would: the status must be documented for the operation, and a JSON body
// must match the documented schema. Every call of the API test client goes through it.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

interface Checker {
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): void;
}

const checkers = new Map<string, Promise<Checker>>();

function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+');
  return new RegExp(`^${escaped.replace(/\{\w+\}/g, '[^/]+')}$`);
}

async function buildChecker(apiUrl: string): Promise<Checker> {
  return checkerFor((await (await fetch(`${apiUrl}/openapi.json`)).json()) as Document);
}

/** A checker for this document (exported for its own test). */
export function checkerFor(document: Document): Checker {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'api', components: document.components });
  const routes = Object.entries(document.paths).map(([template, operations]) => ({ pattern: pathPattern(template), template, operations }));
  const validators = new Map<unknown, ValidateFunction>();
  const validatorFor = (schema: unknown) => {
    let validate = validators.get(schema);
    if (!validate) {
      // Error schemas refer to #/components/schemas/Error: resolve them against the document.
      const resolved = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"api#/components/')) as object;
      validate = ajv.compile(resolved);
      validators.set(schema, validate);
    }
    return validate;
  };
  return {
    check(method, path, status, contentType, body) {
      const route = routes.find(({ pattern }) => pattern.test(path));
      const operation = route?.operations[method.toLowerCase()];
      if (!route || !operation) return; // not an API operation (an unknown path answers the generic 404)
      const response = operation.responses[String(status)];
      if (!response) throw new Error(`${method} ${route.template}: status ${status} is not documented`);
      if (!contentType?.startsWith('application/json') || body === undefined) return;
      const schema = response.content?.['application/json']?.schema;
      if (!schema) throw new Error(`${method} ${route.template} ${status}: a JSON body is not documented`);
      const validate = validatorFor(schema);
      if (!validate(body)) {
        const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`).slice(0, 5);
        throw new Error(`${method} ${route.template} ${status}: the body does not match the document: ${problems.join('; ')}`);
      }
    },
  };
}

/** Throws when the response is not what the API's document promises for this operation and status. */
export async function checkAgainstDocument(
  apiUrl: string,
  request: { method: string; path: string },
  response: { status: number; contentType: string | null; body: unknown },
): Promise<void> {
  let checker = checkers.get(apiUrl);
  if (!checker) {
    checker = buildChecker(apiUrl);
    checkers.set(apiUrl, checker);
  }
  const path = new URL(request.path, 'http://api.local').pathname;
  (await checker).check(request.method, path, response.status, response.contentType, response.body);
}
