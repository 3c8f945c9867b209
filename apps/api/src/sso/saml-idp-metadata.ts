import { DOMParser } from '@xmldom/xmldom';
import { X509Certificate } from 'node:crypto';
import * as xpath from 'xpath';

export interface SamlIdpSettings {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/**
 * A certificate as an IdP gives it (PEM, or its bare base64 body, with any whitespace) as its
 * base64 body, or undefined when it is not an X.509 certificate.
 */
export function normalizeCertificate(input: string): string | undefined {
  const body = input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
    return body;
  } catch {
    return undefined;
  }
}

/**
 * The IdP's entity id, its HTTP-Redirect SSO URL and its signing certificates, from its SAML
 * metadata (an EntityDescriptor); a message naming what is missing when it has not all three.
 */
export function parseIdpMetadata(xml: string): SamlIdpSettings | string {
  const errors: string[] = [];
  let document: Document | undefined;
  try {
    const record = (message: string) => void errors.push(message);
    document = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(xml, 'text/xml');
  } catch {
    return 'idpMetadataXml is not well-formed XML';
  }
  if (errors.length > 0 || !document?.documentElement) return 'idpMetadataXml is not well-formed XML';
  const root = document;
  const select = (expression: string) => xpath.select(expression, root) as Element[];
  const entity = select("/*[local-name()='EntityDescriptor']")[0];
  const entityId = entity?.getAttribute('entityID');
  if (!entity || !entityId) return 'idpMetadataXml has no EntityDescriptor with an entityID';
  const descriptor = select("/*[local-name()='EntityDescriptor']/*[local-name()='IDPSSODescriptor']")[0];
  if (!descriptor) return 'idpMetadataXml has no IDPSSODescriptor';
  const services = (xpath.select("./*[local-name()='SingleSignOnService']", descriptor) as Element[]).filter((service) => service.getAttribute('Binding') === REDIRECT_BINDING);
  const ssoUrl = services[0]?.getAttribute('Location');
  if (!ssoUrl) return 'idpMetadataXml has no SingleSignOnService with the HTTP-Redirect binding';
  const keys = (xpath.select("./*[local-name()='KeyDescriptor']", descriptor) as Element[]).filter((key) => (key.getAttribute('use') || 'signing') === 'signing');
  const certificates = keys
    .flatMap((key) => xpath.select(".//*[local-name()='X509Certificate']", key) as Element[])
    .map((node) => normalizeCertificate(node.textContent ?? ''));
  if (certificates.length === 0 || certificates.some((certificate) => certificate === undefined)) {
    return 'idpMetadataXml needs a signing KeyDescriptor with a valid X509Certificate';
  }
  return { entityId, ssoUrl, certificates: certificates as string[] };
}
