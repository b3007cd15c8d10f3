// Google's JSON error shape, shared by every Calendar API error the fake returns.

import type { ServerResponse } from 'node:http';

import { sendJson } from '../http/body';

export interface GoogleErrorDetail {
  domain?: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

export function sendGoogleError(
  res: ServerResponse,
  status: number,
  detail: GoogleErrorDetail,
  headers: Record<string, string> = {},
): void {
  const error = { domain: detail.domain ?? 'global', ...detail };
  sendJson(res, status, { error: { errors: [error], code: status, message: detail.message } }, headers);
}

export const notFound = (res: ServerResponse): void => sendGoogleError(res, 404, { reason: 'notFound', message: 'Not Found' });

export const badRequest = (res: ServerResponse, message: string, location?: string): void =>
  sendGoogleError(res, 400, {
    reason: 'invalid',
    message,
    ...(location ? { locationType: 'parameter', location } : {}),
  });

export const required = (res: ServerResponse, message: string): void => sendGoogleError(res, 400, { reason: 'required', message });
