// zod validation of every request part; a failure is a 400 naming the field (`body.durationMinutes: ...`).
import type { z } from 'zod';
import { ApiError } from './errors';

export function parseInput<T extends z.ZodType>(schema: T, value: unknown, location: 'body' | 'query' | 'params' | 'headers'): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ApiError.fromZod(result.error, location);
  return result.data;
}
