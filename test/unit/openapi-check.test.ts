// The response check every API test runs (test/helpers/openapi-check.ts) must catch what a validating
// proxy would: undocumented statuses and bodies that differ from the documented schema.
import { checkerFor, type Document } from '../helpers/openapi-check';

const document: Document = {
  components: { schemas: { Error: { type: 'object', required: ['error'], properties: { error: { type: 'object' } } } } },
  paths: {
    '/v1/events/{eventId}': {
      get: {
        responses: {
          200: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['attendees'],
                  properties: { attendees: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
                },
              },
            },
          },
          404: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
  },
};

describe('OpenAPI response check', () => {
  const checker = checkerFor(document);
  const json = 'application/json; charset=utf-8';

  it('accepts a documented status with a matching body', () => {
    expect(() => checker.check('GET', '/v1/events/42', 200, json, { attendees: [{ name: 'Ada' }] })).not.toThrow();
    expect(() => checker.check('GET', '/v1/events/42', 404, json, { error: { code: 'not_found' } })).not.toThrow();
  });

  it('rejects a body that differs from the schema, naming where', () => {
    expect(() => checker.check('GET', '/v1/events/42', 200, json, { attendees: [{ name: null }] })).toThrow(/attendees\/0\/name/);
  });

  it('rejects an undocumented status', () => {
    expect(() => checker.check('GET', '/v1/events/42', 500, json, { error: {} })).toThrow(/status 500 is not documented/);
  });

  it('leaves paths outside the document alone', () => {
    expect(() => checker.check('GET', '/nowhere', 404, json, { error: {} })).not.toThrow();
  });
});
