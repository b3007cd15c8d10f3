// The HTTP agent webhook deliveries use. It resolves the target's name itself and refuses to connect when
// an address is not public (unless the policy allows private targets), at connection time: a name that
// resolved to a public address when the endpoint was registered and to 127.0.0.1 now (DNS rebinding) is
// refused all the same.
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { isPublicAddress, type TargetPolicy } from '../../domain/webhook-targets';

export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = !policy.allowPrivate && list.some((entry) => !isPublicAddress(entry.address));
      if (refused || list.length === 0) {
        return callback(new TargetRefusedError('the webhook target resolves to a non-public address'), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** An agent for webhook deliveries under `policy` (TLS verified as usual; `ca` adds a trusted root for tests). */
export function guardedDispatcher(policy: TargetPolicy, options: { connectTimeoutMs: number }): Agent {
  return new Agent({ connect: { lookup: guardedLookup(policy), timeout: options.connectTimeoutMs }, keepAliveTimeout: 10_000 });
}
