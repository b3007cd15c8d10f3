// Whether webhooks may go to http: and private addresses here (domain/webhook-targets.ts says what that
// means): WEBHOOK_ALLOW_PRIVATE_TARGETS decides; unset, only a development service on the sandbox providers.
import type { TargetPolicy } from '../../domain/webhook-targets';
import type { ServiceDependencies } from '../dependencies';

export function webhookTargetPolicy({ config, providers }: Pick<ServiceDependencies, 'config' | 'providers'>): TargetPolicy {
  if (config.WEBHOOK_ALLOW_PRIVATE_TARGETS !== undefined) return { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS === '1' };
  return { allowPrivate: providers.list().every((runtime) => runtime.mode === 'sandbox') };
}
