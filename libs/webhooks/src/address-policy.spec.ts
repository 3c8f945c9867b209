import { WebhookAddressPolicy } from './address-policy';

const production = new WebhookAddressPolicy({ isProduction: true, allowPrivate: false });
const development = new WebhookAddressPolicy({ isProduction: false, allowPrivate: false });
const open = new WebhookAddressPolicy({ isProduction: true, allowPrivate: true });

describe('the webhook address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form'],
    ['10.0.0.1', 'RFC 1918'],
    ['172.16.5.4', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['169.254.169.254', 'link-local: cloud metadata'],
    ['fd00:ec2::254', 'unique-local: AWS IPv6 metadata'],
    ['fe80::1', 'IPv6 link-local'],
    ['100.100.100.200', 'carrier-grade NAT: Alibaba metadata'],
    ['192.0.0.192', 'reserved: Oracle metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['not an address', 'garbage'],
  ])('production refuses %s (%s)', (address) => {
    expect(production.isAllowedAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '2606:4700::1111', '::ffff:93.184.216.34'])('production allows the public address %s', (address) => {
    expect(production.isAllowedAddress(address)).toBe(true);
  });

  it('development allows loopback only, WEBHOOK_ALLOW_PRIVATE everything', () => {
    expect(development.isAllowedAddress('127.0.0.1')).toBe(true);
    expect(development.isAllowedAddress('::1')).toBe(true);
    expect(development.isAllowedAddress('10.0.0.1')).toBe(false);
    expect(development.isAllowedAddress('169.254.169.254')).toBe(false);
    expect(open.isAllowedAddress('169.254.169.254')).toBe(true);
  });

  it('checks URLs: https only in production, no credentials, literal addresses judged at once', () => {
    expect(production.urlProblem('http://example.com/hook')).toMatch(/https/);
    expect(production.urlProblem('https://example.com/hook')).toBeUndefined();
    expect(development.urlProblem('http://localhost:3000/hook')).toBeUndefined();
    expect(production.urlProblem('https://u:p@example.com/')).toMatch(/credentials/);
    expect(production.urlProblem('https://[::ffff:127.0.0.1]/')).toMatch(/refused address/);
    expect(production.urlProblem('https://2130706433/')).toMatch(/refused address \(127\.0\.0\.1\)/); // decimal IPv4
    expect(production.urlProblem('https://0x7f.1/')).toMatch(/refused address/);
    expect(production.urlProblem('file:///etc/passwd')).toMatch(/http\(s\)/);
    expect(production.urlProblem('nonsense')).toMatch(/absolute/);
  });
});
