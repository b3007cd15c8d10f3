// GET /v1/providers: the calendar providers a user can connect, from the provider registry.
import { Router } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { standardErrors, type RouteDoc } from '../route-docs';
import { noQuery, providerResponse } from '../schemas';
import { parseInput } from '../validation';

export const providerRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/providers',
    summary: 'List the calendar providers and what they can do',
    tag: 'Providers',
    auth: true,
    query: noQuery,
    responses: { 200: { description: 'The providers', schema: z.object({ providers: z.array(providerResponse) }) }, ...standardErrors() },
  },
];

export function providersRouter({ providers }: ApiDependencies): Router {
  const router = Router();
  router.get('/v1/providers', (request, response) => {
    parseInput(noQuery, request.query, 'query');
    response.json({
      providers: providers.list().map(({ descriptor, mode }) => ({
        id: descriptor.id,
        name: descriptor.displayName,
        description: descriptor.description,
        icon: descriptor.icon,
        scopes: descriptor.scopes,
        capabilities: descriptor.capabilities,
        mode,
      })),
    });
  });
  return router;
}
