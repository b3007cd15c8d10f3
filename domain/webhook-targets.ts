// Where webhooks may go: https URLs whose host resolves only to public unicast addresses, so a CRM admin
// (or an attacker holding an admin token) cannot make this service call its own network: loopback,
// private ranges, link-local (cloud metadata at 169.254.169.254), unique-local, carrier-grade NAT, reserved.
// Local development (sandbox providers) and WEBHOOK_ALLOW_PRIVATE_TARGETS=1 lift both rules. Pure.
import ipaddr from 'ipaddr.js';

export interface TargetPolicy {
  /** Allow http: and private, loopback and link-local addresses (development only). */
  allowPrivate: boolean;
}

/** True for an address a webhook may connect to: public unicast only (IPv4-mapped IPv6 judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Why a URL cannot be a webhook target (a message for the API's 400), or null when it can. */
export function targetProblem(raw: string, policy: TargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return 'must be an https URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate) {
    if (ipaddr.isValid(host) && !isPublicAddress(host)) return 'must not be a private, loopback or link-local address';
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
      return 'must be a public host name';
    }
  }
  return null;
}
