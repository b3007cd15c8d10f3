// Graph may batch notifications of several subscriptions in one request: every item must reach the webhook.
import { parseGraphPushMessage } from '../../providers/microsoft/push-messages';

const item = (subscriptionId: string, extra: Record<string, unknown> = {}) => ({
  subscriptionId,
  clientState: `secret-${subscriptionId}`,
  changeType: 'updated',
  resource: 'me/events/AAA',
  resourceData: { id: 'AAA' },
  subscriptionExpirationDateTime: '2026-11-24T00:00:00Z',
  tenantId: 't',
  ...extra,
});

describe('Graph push message parsing', () => {
  it('returns a single notification as such', () => {
    expect(parseGraphPushMessage({ headers: {}, query: {}, body: { value: [item('s1')] } })).toEqual({
      kind: 'change',
      channelId: 's1',
      secret: 'secret-s1',
      resourceId: 'AAA',
    });
  });

  it('keeps every item of a batch, changes and lifecycle events alike', () => {
    const lifecycle = { subscriptionId: 's3', clientState: 'secret-s3', lifecycleEvent: 'reauthorizationRequired' };
    const message = parseGraphPushMessage({ headers: {}, query: {}, body: { value: [item('s1'), item('s2'), lifecycle] } });
    expect(message).toEqual({
      kind: 'batch',
      items: [
        { kind: 'change', channelId: 's1', secret: 'secret-s1', resourceId: 'AAA' },
        { kind: 'change', channelId: 's2', secret: 'secret-s2', resourceId: 'AAA' },
        { kind: 'lifecycle', channelId: 's3', secret: 'secret-s3', event: 'reauthorizationRequired' },
      ],
    });
  });
});
