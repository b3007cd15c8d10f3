// Which webhook URLs and addresses are allowed (domain/webhook-targets.ts): the SSRF rules.
import { isPublicAddress, targetProblem } from '../../domain/webhook-targets';

describe('webhook targets', () => {
  it('allows public unicast addresses only', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888']) expect(isPublicAddress(address)).toBe(true);
    const internal = [
      '127.0.0.1',
      '10.0.0.8',
      '172.16.4.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
    ];
    for (const address of [...internal, '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not an address'])
      expect(isPublicAddress(address)).toBe(false);
  });

  it('refuses http, credentials and internal hosts unless private targets are allowed', () => {
    const strict = { allowPrivate: false };
    expect(targetProblem('https://crm.example.com/hooks', strict)).toBeNull();
    expect(targetProblem('http://crm.example.com/hooks', strict)).toBe('must be an https URL');
    expect(targetProblem('https://user:pw@crm.example.com/', strict)).toBe('must not carry credentials');
    expect(targetProblem('https://127.0.0.1/hooks', strict)).toMatch(/loopback/);
    expect(targetProblem('https://[::1]/hooks', strict)).toMatch(/loopback/);
    expect(targetProblem('https://169.254.169.254/latest/meta-data', strict)).toMatch(/link-local/);
    expect(targetProblem('https://localhost:8443/', strict)).toBe('must be a public host name');
    expect(targetProblem('not a url', strict)).toBe('must be an absolute URL');
    const development = { allowPrivate: true };
    expect(targetProblem('http://127.0.0.1:9999/hooks', development)).toBeNull();
    expect(targetProblem('ftp://127.0.0.1/', development)).toBe('must be an https URL');
  });
});
