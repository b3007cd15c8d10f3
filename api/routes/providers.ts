// The calendar providers a user can connect, from the provider registry.
import { z } from 'zod';
import { route } from '../routing/route';
import { providerResponse } from '../schemas';

export const providerRoutes = [
  route({
    method: 'get',
    path: '/v1/providers',
    summary: 'List the calendar providers and what they can do',
    tag: 'Providers',
    permission: null,
    responses: { 200: { description: 'The providers', schema: z.object({ providers: z.array(providerResponse) }) } },
  }).handle(async (_input, { providers }) => {
    const list = providers.list().map(({ descriptor, mode }) => ({
      id: descriptor.id,
      name: descriptor.displayName,
      description: descriptor.description,
      icon: descriptor.icon,
      scopes: [...descriptor.scopes],
      capabilities: descriptor.capabilities,
      mode,
    }));
    return { status: 200, body: { providers: list } };
  }),
];
