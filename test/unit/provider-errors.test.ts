import { ProviderError, isProviderError } from '../../providers/errors';

describe('ProviderError', () => {
  it('marks revoked grants and invalid requests as not retryable', () => {
    expect(new ProviderError('access_revoked', 'google', 'invalid_grant').retryable).toBe(false);
    expect(new ProviderError('invalid_request', 'google', '400').retryable).toBe(false);
  });

  it('marks rate limits and transient failures as retryable', () => {
    expect(new ProviderError('rate_limited', 'microsoft', '429', { retryAfterSeconds: 3 }).retryable).toBe(true);
    expect(new ProviderError('transient', 'microsoft', '503').retryable).toBe(true);
  });

  it('narrows by kind', () => {
    const error: unknown = new ProviderError('not_found', 'google', '404');
    expect(isProviderError(error, 'not_found')).toBe(true);
    expect(isProviderError(error, 'transient')).toBe(false);
    expect(isProviderError(new Error('x'))).toBe(false);
  });
});
