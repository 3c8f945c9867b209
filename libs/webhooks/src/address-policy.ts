import { LookupAddress, lookup as systemLookup } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { isIP, LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface AddressPolicyOptions {
  /** Production takes only https URLs. */
  isProduction: boolean;
  /** WEBHOOK_ALLOW_PRIVATE: any address, even private and metadata ones. */
  allowPrivate: boolean;
  /** DNS_SERVERS (comma-separated); unset: the system's resolver. */
  dnsServers?: string;
}

/** A webhook URL or the address its name resolves to is not one the product will send to. */
export class RefusedWebhookAddressError extends Error {
  readonly code = 'EWEBHOOKREFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'RefusedWebhookAddressError';
  }
}

/**
 * Which webhook URLs and addresses the product sends to. Only globally routable unicast addresses
 * are allowed: loopback, private (RFC 1918, unique-local), link-local (where cloud metadata
 * services answer, 169.254.169.254 and fd00:ec2::254 alike), carrier-grade NAT, reserved,
 * multicast and the IPv6 forms that embed an IPv4 address (mapped, 6to4, Teredo, NAT64) are
 * refused; an IPv4-mapped IPv6 address is judged as the IPv4 address it maps. Outside production
 * loopback is allowed, so a local receiver works; WEBHOOK_ALLOW_PRIVATE allows everything.
 *
 * The check runs when an endpoint is saved (its name resolved) and again on every connect
 * (`lookup`, given to the HTTP agent), so a name that later resolves elsewhere (DNS rebinding)
 * is refused at the moment it matters.
 */
export class WebhookAddressPolicy {
  private readonly resolver?: Resolver;

  constructor(private readonly options: AddressPolicyOptions) {
    if (options.dnsServers) {
      this.resolver = new Resolver({ timeout: 2000, tries: 2 });
      this.resolver.setServers(options.dnsServers.split(',').map((server) => server.trim()).filter(Boolean));
    }
  }

  /** Why the URL itself (before any lookup) is refused, or undefined when it is acceptable. */
  urlProblem(raw: string): string | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'url must be an absolute http(s) URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must be an http(s) URL';
    if (this.options.isProduction && url.protocol !== 'https:') return 'url must be an https URL';
    if (url.username || url.password) return 'url must not carry credentials';
    if (!url.hostname) return 'url must name a host';
    const literal = hostLiteral(url.hostname);
    if (literal && !this.isAllowedAddress(literal)) return `url names a refused address (${literal})`;
    return undefined;
  }

  /** Whether the product may connect to this IP address. */
  isAllowedAddress(address: string): boolean {
    if (this.options.allowPrivate) return true;
    if (!ipaddr.isValid(address)) return false;
    // process() turns ::ffff:a.b.c.d into the IPv4 address a.b.c.d.
    const range = ipaddr.process(address).range();
    if (range === 'unicast') return true;
    return range === 'loopback' && !this.options.isProduction;
  }

  /**
   * Every address `host` resolves to; throws RefusedWebhookAddressError when any is refused (a
   * name with one private address among public ones is refused, so no retry can land on it).
   */
  async resolveAllowed(host: string): Promise<LookupAddress[]> {
    const literal = hostLiteral(host);
    const addresses = literal ? [{ address: literal, family: isIP(literal) }] : await this.resolve(host);
    if (addresses.length === 0) throw Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' });
    const refused = addresses.find((entry) => !this.isAllowedAddress(entry.address));
    if (refused) throw new RefusedWebhookAddressError(`${host} resolves to a refused address (${refused.address})`);
    return addresses;
  }

  /** For `http.Agent`/`net.connect`: resolves and checks on every connect. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveAllowed(hostname).then(
      (addresses) => {
        const wanted = typeof options === 'object' && options.family ? addresses.filter((entry) => entry.family === options.family) : addresses;
        const usable = wanted.length > 0 ? wanted : addresses;
        if (typeof options === 'object' && options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  private async resolve(host: string): Promise<LookupAddress[]> {
    if (!this.resolver) {
      return new Promise((resolve, reject) =>
        systemLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
      );
    }
    const settle = async (family: 4 | 6) => {
      try {
        const found = family === 4 ? await this.resolver!.resolve4(host) : await this.resolver!.resolve6(host);
        return found.map((address) => ({ address, family }));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
        throw error;
      }
    };
    const [v4, v6] = await Promise.all([settle(4), settle(6)]);
    return [...v4, ...v6];
  }
}

/**
 * The IP address a URL's hostname is, without brackets; undefined for a name. `localhost` and
 * its subdomains are loopback whatever a resolver says (RFC 6761).
 */
function hostLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (/^(.+\.)?localhost\.?$/i.test(bare)) return '127.0.0.1';
  return isIP(bare) ? bare : undefined;
}
