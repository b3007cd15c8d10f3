// The pure part of organization connections: which addresses belong to a domain, and the access each mode asks.
import { GOOGLE_DELEGATION_SCOPES, MICROSOFT_APPLICATION_PERMISSIONS, inDomain } from '../../domain/organization-connections';

describe('inDomain', () => {
  it('takes the exact domain, any case, and nothing else', () => {
    expect(inDomain('Alice@Acme.Example', 'acme.example')).toBe(true);
    expect(inDomain('alice@sub.acme.example', 'acme.example')).toBe(false);
    expect(inDomain('alice@acme.example.evil', 'acme.example')).toBe(false);
    expect(inDomain('acme.example', 'acme.example')).toBe(false);
    expect(inDomain('@acme.example', 'acme.example')).toBe(false);
  });
});

describe('modes', () => {
  it('freebusy asks for no write access', () => {
    expect(GOOGLE_DELEGATION_SCOPES.freebusy.some((scope) => scope.endsWith('calendar.events') || scope.endsWith('/calendar'))).toBe(false);
    expect(MICROSOFT_APPLICATION_PERMISSIONS.freebusy.some((permission) => permission.includes('Write'))).toBe(false);
    expect(MICROSOFT_APPLICATION_PERMISSIONS.full).toContain('Calendars.ReadWrite');
  });
});
