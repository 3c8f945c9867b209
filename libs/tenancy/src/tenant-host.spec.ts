import { slugFromHost } from './tenant-host';

describe('slugFromHost', () => {
  it.each([
    ['acme.example.com', 'example.com', 'acme'],
    ['ACME.Example.com:8080', 'example.com', 'acme'],
    ['example.com', 'example.com', undefined],
    ['a.b.example.com', 'example.com', undefined],
    ['acme.example.org', 'example.com', undefined],
    ['acmeexample.com', 'example.com', undefined],
    ['acme.example.com', undefined, undefined],
    [undefined, 'example.com', undefined],
  ])('%s under %s is %s', (host, base, expected) => {
    expect(slugFromHost(host, base)).toBe(expected);
  });
});
