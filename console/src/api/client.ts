// Calls to the public API with the session's bearer token. Every failure becomes an ApiProblem carrying the
// API's one error shape ({error: {code, message, details}}), so screens can put a message on the right field.
import { currentToken, endSession } from '../session/token';

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiProblem';
  }

  /** The message for a field (`body.start`, or just `start`), if the API named it. */
  forField(field: string): string | undefined {
    return this.details.find((detail) => detail.field === field || detail.field === `body.${field}`)?.message;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function api<T>(method: Method, path: string, options: { body?: unknown; idempotencyKey?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
    });
  } catch {
    throw new ApiProblem(0, 'network', 'The service cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string; details?: FieldProblem[] } } | undefined)?.error;
  const problem = new ApiProblem(
    response.status,
    error?.code ?? 'error',
    error?.message ?? `The service answered ${response.status}`,
    error?.details,
  );
  // An expired or revoked token: back to signing in (the console keeps no other credential).
  if (response.status === 401 && token) endSession('Your session ended. Sign in again.');
  throw problem;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A fresh Idempotency-Key for one user action (a retry of the same action reuses it). */
export function newRequestKey(): string {
  return `console-${crypto.randomUUID()}`;
}
