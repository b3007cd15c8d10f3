// JSON batching (POST /$batch): up to 20 GETs in one request, answered in any order, each with its own
// status. The adapter uses it where a page would otherwise cost one GET per item (classifying @removed
// entries of a delta page, fetching the series masters a page mentions).
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { ProviderError } from '../errors';
import { classifyHttp, parseRetryAfter, toProviderError } from './errors';

const MAX_BATCH = 20;

const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number(),
      headers: z.record(z.string(), z.string()).nullish(),
      body: z.unknown().optional(),
    }),
  ),
});

export interface BatchAnswer {
  status: number;
  body: unknown;
}

/**
 * GETs every relative URL (`/me/events/{id}`) in batches of 20 and returns the answers in the same order.
 * 404s come back as answers; throttling (429) and server errors of any item fail the whole call, so the
 * caller's retry repeats the page instead of reading half of it.
 */
export async function batchGet(client: Client, urls: string[]): Promise<BatchAnswer[]> {
  const answers: BatchAnswer[] = [];
  for (let offset = 0; offset < urls.length; offset += MAX_BATCH) {
    const chunk = urls.slice(offset, offset + MAX_BATCH);
    let json: unknown;
    try {
      json = await client.api('/$batch').post({ requests: chunk.map((url, i) => ({ id: String(i), method: 'GET', url })) });
    } catch (error) {
      throw toProviderError(error);
    }
    const parsed = batchResponseSchema.safeParse(json);
    if (!parsed.success) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph answered an unreadable $batch body');
    const byId = new Map(parsed.data.responses.map((response) => [response.id, response]));
    chunk.forEach((_, i) => {
      const response = byId.get(String(i));
      if (!response) throw new ProviderError('malformed_response', 'microsoft', 'Microsoft Graph $batch answer lacks a response');
      if (response.status === 429 || response.status >= 500) {
        const code = (response.body as { error?: { code?: string } } | undefined)?.error?.code;
        const retryAfter = response.headers?.['Retry-After'] ?? response.headers?.['retry-after'];
        throw classifyHttp(response.status, code, parseRetryAfter(retryAfter));
      }
      answers.push({ status: response.status, body: response.body });
    });
  }
  return answers;
}
