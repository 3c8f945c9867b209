import { isConsumerMailDomain } from './consumer-domains';
import { domainOfEmail, normalizeDomain } from './domain-name';

describe('domain names', () => {
  it('normalizes case, a trailing dot and international names', () => {
    expect(normalizeDomain(' Acme.Example. ')).toBe('acme.example');
    expect(normalizeDomain('bücher.example')).toBe('xn--bcher-kva.example');
    expect(domainOfEmail('Ada@Acme.Example')).toBe('acme.example');
  });

  it('refuses what is not a registrable host name', () => {
    for (const bad of ['localhost', '10.0.0.1', '*.acme.example', 'https://acme.example', 'acme..example', '-acme.example', 'a_b.example', '']) {
      expect({ bad, normalized: normalizeDomain(bad) }).toEqual({ bad, normalized: undefined });
    }
    expect(domainOfEmail('no-at-sign')).toBeUndefined();
  });

  it('knows consumer mail domains and their subdomains', () => {
    expect(isConsumerMailDomain('gmail.com')).toBe(true);
    expect(isConsumerMailDomain('eu.outlook.com')).toBe(true);
    expect(isConsumerMailDomain('acme.example')).toBe(false);
    expect(isConsumerMailDomain('notgmail.com')).toBe(false);
  });
});
