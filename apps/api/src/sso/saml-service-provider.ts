import { Injectable } from '@nestjs/common';
import { CacheProvider, generateServiceProviderMetadata, SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { randomBytes } from 'node:crypto';
import * as xpath from 'xpath';

/** What the service provider (this API, for one connection) and its IdP agreed on. */
export interface SamlConnectionSettings {
  /** Ours: the audience every assertion must name. */
  spEntityId: string;
  /** Ours: where the IdP posts (Recipient and Destination must name it). */
  acsUrl: string;
  idpEntityId: string;
  idpSsoUrl: string;
  /** The IdP's signing certificates, base64 DER (PEM bodies). */
  idpCertificates: string[];
}

export interface SamlIdentity {
  subject: string;
  email?: string;
  assertionId: string;
  /** When the assertion stops being acceptable: how long its id must stay in the replay cache. */
  notOnOrAfter: Date;
}

/** A refusal of the IdP's answer, with the reason said to the caller and audited. */
export class SamlResponseRefused extends Error {}

const CLOCK_SKEW_MS = 60_000;
const EMAIL_ATTRIBUTES = ['email', 'mail', 'emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'];

/** node-saml checks InResponseTo against a cache: ours holds exactly the one request of this sign-in. */
class OneRequestCache implements CacheProvider {
  constructor(private requestId: string | undefined) {}

  async saveAsync(): Promise<null> {
    return null;
  }

  async getAsync(key: string): Promise<string | null> {
    return key === this.requestId ? new Date().toISOString() : null;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (key === this.requestId) this.requestId = undefined;
    return key;
  }
}

const select = (expression: string, node: Node): Element[] => xpath.select(expression, node) as Element[];

/**
 * The SAML 2.0 service provider, on @node-saml/node-saml: the AuthnRequest (HTTP-Redirect
 * binding), SP metadata, and the check of the IdP's POST to the ACS. node-saml verifies the XML
 * signature of the assertion against the connection's certificates (and only the signed XML is
 * read after that, so a wrapped, unsigned copy is never what we act on), the audience, the
 * NotBefore/NotOnOrAfter windows and InResponseTo; on the signed assertion we then require a
 * bearer SubjectConfirmation whose Recipient is our ACS, the issuer of the connection, and a
 * Response Destination of our ACS. Pure computation: no I/O, never inside a transaction.
 */
@Injectable()
export class SamlServiceProvider {
  /** The IdP's sign-in URL with a deflated, encoded AuthnRequest whose id the ACS will expect. */
  async authorizationUrl(settings: SamlConnectionSettings, relayState: string): Promise<{ url: string; requestId: string }> {
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const saml = this.saml(settings, undefined, () => requestId);
    const url = await saml.getAuthorizeUrlAsync(relayState, undefined, {});
    return { url, requestId };
  }

  metadata(settings: Pick<SamlConnectionSettings, 'spEntityId' | 'acsUrl'>): string {
    return generateServiceProviderMetadata({
      issuer: settings.spEntityId,
      callbackUrl: settings.acsUrl,
      wantAssertionsSigned: true,
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
  }

  /** Validates a base64 SAMLResponse answering `requestId`; throws SamlResponseRefused. */
  async validate(settings: SamlConnectionSettings, samlResponse: string, requestId: string): Promise<SamlIdentity> {
    const saml = this.saml(settings, requestId);
    let profile;
    try {
      ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (error) {
      throw new SamlResponseRefused(error instanceof Error ? error.message : String(error));
    }
    if (!profile) throw new SamlResponseRefused('the response holds no assertion');
    if (profile.issuer !== settings.idpEntityId) throw new SamlResponseRefused(`the assertion's issuer is ${profile.issuer ?? 'missing'}, not ${settings.idpEntityId}`);

    const response = new DOMParser().parseFromString(Buffer.from(samlResponse, 'base64').toString('utf8'), 'text/xml');
    const destination = select("/*[local-name()='Response']/@Destination", response)[0] as unknown as Attr | undefined;
    if (destination?.value !== settings.acsUrl) throw new SamlResponseRefused(`the response's Destination is ${destination?.value ?? 'missing'}, not ${settings.acsUrl}`);

    // From here on only the XML the signature covers (node-saml hands it back as verified).
    const signedXml = profile.getAssertionXml?.();
    const assertion = signedXml ? new DOMParser().parseFromString(signedXml, 'text/xml').documentElement : undefined;
    if (!assertion) throw new SamlResponseRefused('the signed assertion cannot be read');
    const assertionId = assertion.getAttribute('ID');
    if (!assertionId) throw new SamlResponseRefused('the assertion has no ID');
    const confirmations = select("./*[local-name()='Subject']/*[local-name()='SubjectConfirmation'][@Method='urn:oasis:names:tc:SAML:2.0:cm:bearer']/*[local-name()='SubjectConfirmationData']", assertion);
    const confirmation = confirmations.find((data) => data.getAttribute('Recipient') === settings.acsUrl);
    if (!confirmation) throw new SamlResponseRefused(`no bearer SubjectConfirmation names ${settings.acsUrl} as its Recipient`);
    if (confirmation.getAttribute('InResponseTo') !== requestId) throw new SamlResponseRefused('the SubjectConfirmation answers another request');
    const notOnOrAfter = Date.parse(confirmation.getAttribute('NotOnOrAfter') ?? '');
    if (Number.isNaN(notOnOrAfter)) throw new SamlResponseRefused('the SubjectConfirmation has no NotOnOrAfter');
    if (notOnOrAfter + CLOCK_SKEW_MS <= Date.now()) throw new SamlResponseRefused('the assertion has expired');

    const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
    const fromAttributes = Object.entries(attributes).find(([name]) => EMAIL_ATTRIBUTES.includes(name.toLowerCase()))?.[1];
    const emailValue = Array.isArray(fromAttributes) ? fromAttributes[0] : fromAttributes;
    const email =
      typeof emailValue === 'string'
        ? emailValue
        : profile.nameIDFormat === 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
          ? profile.nameID
          : undefined;
    return {
      subject: profile.nameID,
      email: email?.trim().toLowerCase(),
      assertionId,
      notOnOrAfter: new Date(notOnOrAfter),
    };
  }

  private saml(settings: SamlConnectionSettings, expectedRequestId: string | undefined, generateUniqueId?: () => string): SAML {
    return new SAML({
      issuer: settings.spEntityId,
      audience: settings.spEntityId,
      callbackUrl: settings.acsUrl,
      entryPoint: settings.idpSsoUrl,
      idpCert: settings.idpCertificates,
      idpIssuer: settings.idpEntityId,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.always,
      cacheProvider: new OneRequestCache(expectedRequestId),
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      disableRequestedAuthnContext: true,
      ...(generateUniqueId ? { generateUniqueId } : {}),
    });
  }
}
