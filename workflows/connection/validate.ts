// Update validators reject bad input before anything is written to history; the failure names the field
// and carries every problem as details, so the API can answer 400 with the same shape as its own checks.
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';

export function validateOrThrow(schema: z.ZodType, value: unknown, prefix?: string): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const details = result.error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || (prefix ?? 'input'),
    message: issue.message,
  }));
  const first = details[0]!;
  throw ApplicationFailure.create({ type: 'invalid_request', message: `${first.field}: ${first.message}`, nonRetryable: true, details });
}
