import { domainToASCII } from 'node:url';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A registrable host name in its ASCII (punycode) form, lower case, without a trailing dot; or
 * undefined when the input is not one (an IP address, one label, a wildcard, a URL...).
 */
export function normalizeDomain(input: string): string | undefined {
  const ascii = domainToASCII(input.trim().toLowerCase().replace(/\.$/, ''));
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return undefined;
  return ascii;
}

/** The domain part of an email address, normalized; undefined when there is none. */
export const domainOfEmail = (email: string): string | undefined => {
  const at = email.lastIndexOf('@');
  return at > 0 ? normalizeDomain(email.slice(at + 1)) : undefined;
};

export const challengeRecordName = (domain: string) => `_tenantry-challenge.${domain}`;
