// Connects a sandbox calendar account end to end, as a user would: start connecting, consent at the fake's
// authorize endpoint, then complete as the same user (ConnectionService, which the API's routes call).
import { connectionWorkflowId } from '../../workflows/connection/messages';
import type { TestStack } from './stack';

export async function connectSandboxAccount(
  stack: TestStack,
  input: { provider: 'google' | 'microsoft'; email: string; organizationId?: string; userId?: string },
): Promise<{ connectionId: string; workflowId: string }> {
  const service = stack.connecting;
  const organizationId = input.organizationId ?? 'acme';
  const userId = input.userId ?? 'alice';
  const { authorizationUrl } = await service.startConnecting({ organizationId, userId, provider: input.provider, loginHint: input.email });
  const fake = input.provider === 'google' ? stack.google : stack.microsoft;
  const { code, state } = await fake.authorize(authorizationUrl, input.email);
  const { connectionId } = await service.completeConnecting({ organizationId, userId }, { provider: input.provider, state, code });
  return { connectionId, workflowId: connectionWorkflowId(connectionId) };
}
