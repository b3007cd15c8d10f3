// The OpenAPI 3.1 document, generated from the route descriptions and the same zod schemas the handlers
// validate with (zod 4's toJSONSchema emits JSON Schema 2020-12, OpenAPI 3.1's schema dialect).
import { z } from 'zod';
import { CHANGE_EVENT_SCHEMAS } from '../../domain/change-events';
import { PERMISSIONS } from '../auth/permissions';
import { errorResponse } from '../schemas';
import type { RouteDoc } from './route';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function accepts(schema: z.ZodType, value: unknown): boolean {
  return schema.safeParse(value).success;
}

function parameters(object: z.ZodType | undefined, location: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!(object instanceof z.ZodObject)) return [];
  return Object.entries(object.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const schema = jsonSchema(field, 'input');
    const { description } = schema;
    return {
      name: location === 'header' ? name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase()) : name,
      in: location,
      required: location === 'path' || !accepts(field, undefined),
      schema,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

/** A body that may be absent (z.union([..., z.undefined()])) is documented as its other options, optional. */
function requestBody(body: z.ZodType): JsonSchema {
  const optional = accepts(body, undefined);
  const documented =
    body instanceof z.ZodUnion ? (body.options as z.ZodType[]).filter((option) => !(option instanceof z.ZodUndefined)) : [body];
  const schema =
    documented.length === 1 ? jsonSchema(documented[0]!, 'input') : { anyOf: documented.map((option) => jsonSchema(option, 'input')) };
  return { required: !optional, content: { 'application/json': { schema } } };
}

function responses(doc: RouteDoc): JsonSchema {
  const errorSchema = { $ref: '#/components/schemas/Error' };
  return Object.fromEntries(
    Object.entries(doc.responses).map(([status, response]) => {
      const isError = Number(status) >= 400;
      const schema = response.schema ? jsonSchema(response.schema, 'output') : isError ? errorSchema : undefined;
      const contentType = response.contentType ?? 'application/json';
      return [status, { description: response.description, ...(schema ? { content: { [contentType]: { schema } } } : {}) }];
    }),
  );
}

export function buildOpenApiDocument(routes: RouteDoc[], info: { version: string; serverUrl: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of routes) {
    const permissionNote = doc.permission ? `\n\nRequires permission \`${doc.permission}\`.` : '';
    const camelPath = doc.path
      .replace(/\{(\w+)\}/g, 'By_$1')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
    const operationId = `${doc.method}${camelPath}`;
    (paths[doc.path] ??= {})[doc.method] = {
      operationId,
      summary: doc.summary,
      description: `${doc.summary}.${permissionNote}`,
      tags: [doc.tag],
      security: doc.auth ? [{ bearerAuth: [] }] : [],
      ...(doc.permission ? { 'x-permission': doc.permission } : {}),
      parameters: [...parameters(doc.params, 'path'), ...parameters(doc.query, 'query'), ...parameters(doc.headers, 'header')],
      ...(doc.body ? { requestBody: requestBody(doc.body) } : {}),
      responses: responses(doc),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Calendar sync API',
      version: info.version,
      description:
        'Connect Google and Microsoft calendars, schedule meetings into them, read synced events and free/busy. ' +
        'Every request except the health check, OAuth callbacks and provider webhooks carries `Authorization: Bearer <JWT>` ' +
        `(ES256) naming the organization (\`org\`), the user (\`sub\`) and \`permissions\`: ${Object.values(PERMISSIONS)
          .map((p) => `\`${p}\``)
          .join(', ')}. ` +
        'Errors always have the shape `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorResponse, 'output') },
    },
    paths,
    webhooks: webhookDocs(),
  };
}

/**
 * What registered webhook endpoints receive (and GET /v1/changes returns): one entry per change type, its
 * body `{type, timestamp, data}` with the type's `data` shape, signed as Standard Webhooks specifies.
 */
function webhookDocs(): JsonSchema {
  return Object.fromEntries(
    (Object.entries(CHANGE_EVENT_SCHEMAS) as Array<[string, z.ZodType]>).map(([type, data]) => [
      type,
      {
        post: {
          summary: data.description ?? type,
          description:
            'Headers `webhook-id` (the same on every retry: deduplicate by it), `webhook-timestamp` (seconds) and ' +
            '`webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per valid secret, space-separated).',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: jsonSchema(z.object({ type: z.literal(type), timestamp: z.iso.datetime({ offset: true }), data }), 'output'),
              },
            },
          },
          responses: { 200: { description: 'Any 2xx acknowledges the delivery; anything else is retried with backoff' } },
        },
      },
    ]),
  );
}
