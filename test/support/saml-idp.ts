import { DOMParser } from '@xmldom/xmldom';
import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';

/** What the SP asked for in its AuthnRequest (HTTP-Redirect binding). */
export interface ReadRequest {
  id: string;
  issuer: string;
  acsUrl: string;
  destination: string;
  relayState: string;
}

export interface ResponseOptions {
  inResponseTo: string;
  acsUrl: string;
  audience: string;
  nameId: string;
  email?: string;
  assertionId?: string;
  /** Default: 5 minutes from now. */
  notOnOrAfter?: Date;
  /** Of the Conditions alone; default: notOnOrAfter. */
  conditionsNotOnOrAfter?: Date;
  /** Default: the ACS. */
  destination?: string;
  /** Default: the ACS. */
  recipient?: string;
  /** Default: this IdP's entity id. */
  issuer?: string;
  /** `assertion` (default), `none`, or another key's signature. */
  signature?: 'assertion' | 'none' | { privateKey: string; cert: string };
}

export interface TestSamlIdp {
  entityId: string;
  ssoUrl: string;
  /** PEM. */
  certificate: string;
  privateKey: string;
  metadataXml: string;
  readRequest(location: string): ReadRequest;
  /** A SAML Response, as XML (see encode). */
  respond(options: ResponseOptions): string;
}

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';

export const encodeResponse = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
export const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

/** A key pair and a self-signed certificate, as an IdP signs with. */
export async function signingKey(commonName: string): Promise<{ privateKey: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], { keySize: 2048, algorithm: 'sha256' });
  return { privateKey: pems.private, cert: pems.cert };
}

/** Signs the element with this ID, enveloped, the signature right after its Issuer (as SAML wants it). */
export function signElement(xml: string, id: string, key: { privateKey: string; cert: string }): string {
  const signature = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signature.addReference({
    xpath: `//*[@ID='${id}']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  signature.computeSignature(xml, { location: { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return signature.getSignedXml();
}

const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A SAML 2.0 identity provider inside the test process: its own RSA key and self-signed
 * certificate, metadata, and responses built as an IdP builds them and signed with xml-crypto
 * (the library node-saml verifies with). No HTTP: the test plays the browser between SP and IdP.
 */
export async function createSamlIdp(): Promise<TestSamlIdp> {
  const id = randomBytes(4).toString('hex');
  const entityId = `https://idp-${id}.saml.test/metadata`;
  const ssoUrl = `https://idp-${id}.saml.test/sso`;
  const key = await signingKey(`idp-${id}.saml.test`);
  const metadataXml = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${pemBody(key.cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

  return {
    entityId,
    ssoUrl,
    certificate: key.cert,
    privateKey: key.privateKey,
    metadataXml,
    readRequest(location) {
      const url = new URL(location);
      const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
      const request = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
      return {
        id: request.getAttribute('ID')!,
        acsUrl: request.getAttribute('AssertionConsumerServiceURL')!,
        destination: request.getAttribute('Destination')!,
        issuer: request.getElementsByTagNameNS(SAML, 'Issuer')[0]?.textContent ?? '',
        relayState: url.searchParams.get('RelayState') ?? '',
      };
    },
    respond(options) {
      const now = new Date();
      const notBefore = new Date(now.getTime() - 60_000).toISOString();
      const notOnOrAfter = (options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString();
      const conditionsEnd = options.conditionsNotOnOrAfter?.toISOString() ?? notOnOrAfter;
      const assertionId = options.assertionId ?? `_a${randomBytes(16).toString('hex')}`;
      const responseId = `_r${randomBytes(16).toString('hex')}`;
      const issuer = escape(options.issuer ?? entityId);
      const attributes = options.email
        ? `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${escape(options.email)}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`
        : '';
      const assertion =
        `<saml:Assertion xmlns:saml="${SAML}" ID="${assertionId}" Version="2.0" IssueInstant="${now.toISOString()}">` +
        `<saml:Issuer>${issuer}</saml:Issuer>` +
        `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${escape(options.nameId)}</saml:NameID>` +
        `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
        `<saml:SubjectConfirmationData InResponseTo="${options.inResponseTo}" NotOnOrAfter="${notOnOrAfter}" Recipient="${escape(options.recipient ?? options.acsUrl)}"/>` +
        `</saml:SubjectConfirmation></saml:Subject>` +
        `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${conditionsEnd}"><saml:AudienceRestriction><saml:Audience>${escape(options.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
        `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
        attributes +
        `</saml:Assertion>`;
      const response =
        `<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${responseId}" Version="2.0" IssueInstant="${now.toISOString()}" ` +
        `Destination="${escape(options.destination ?? options.acsUrl)}" InResponseTo="${options.inResponseTo}">` +
        `<saml:Issuer>${issuer}</saml:Issuer>` +
        `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
        assertion +
        `</samlp:Response>`;
      const signature = options.signature ?? 'assertion';
      if (signature === 'none') return response;
      return signElement(response, assertionId, signature === 'assertion' ? key : signature);
    },
  };
}
