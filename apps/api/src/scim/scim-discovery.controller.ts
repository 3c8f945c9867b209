import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { ScimRoute } from '@tenantry/auth';
import { AppConfig } from '@tenantry/config';
import { TenantRequests } from '@tenantry/tenancy';
import { ScimDiscoveryDocument } from './dto/scim-resource.dto';
import { SCIM_CONTENT_TYPE, SCIM_SCHEMA } from './scim-protocol';

const USER_ATTRIBUTES = [
  { name: 'userName', type: 'string', multiValued: false, required: true, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'server', description: "The member's email address" },
  { name: 'active', type: 'boolean', multiValued: false, required: false, mutability: 'readWrite', returned: 'default', description: 'false: cannot sign in, holds no seat' },
  {
    name: 'emails',
    type: 'complex',
    multiValued: true,
    required: false,
    mutability: 'readOnly',
    returned: 'default',
    description: 'The userName, as the primary work address',
    subAttributes: [
      { name: 'value', type: 'string', multiValued: false, required: false, mutability: 'readOnly', returned: 'default' },
      { name: 'type', type: 'string', multiValued: false, required: false, mutability: 'readOnly', returned: 'default' },
      { name: 'primary', type: 'boolean', multiValued: false, required: false, mutability: 'readOnly', returned: 'default' },
    ],
  },
];

/** What this SCIM service provider supports (RFC 7644 §4), for directories that read it first. */
@ScimRoute()
@ApiProduces('application/scim+json')
@TenantRequests()
@Controller('scim/v2')
export class ScimDiscoveryController {
  constructor(private readonly config: AppConfig) {}

  @ApiOkResponse({ type: ScimDiscoveryDocument })
  @Get('ServiceProviderConfig')
  @Header('content-type', SCIM_CONTENT_TYPE)
  serviceProviderConfig() {
    return {
      schemas: [SCIM_SCHEMA.SERVICE_PROVIDER_CONFIG],
      documentationUri: `${this.base}/docs`,
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [
        { type: 'oauthbearertoken', name: 'Bearer token', description: 'A SCIM token from POST /v1/tenant/scim/tokens', primary: true },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${this.base}/scim/v2/ServiceProviderConfig` },
    };
  }

  @ApiOkResponse({ type: ScimDiscoveryDocument })
  @Get('ResourceTypes')
  @Header('content-type', SCIM_CONTENT_TYPE)
  resourceTypes() {
    const user = {
      schemas: [SCIM_SCHEMA.RESOURCE_TYPE],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A member of the tenant',
      schema: SCIM_SCHEMA.USER,
      meta: { resourceType: 'ResourceType', location: `${this.base}/scim/v2/ResourceTypes/User` },
    };
    return { schemas: [SCIM_SCHEMA.LIST], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [user] };
  }

  @ApiOkResponse({ type: ScimDiscoveryDocument })
  @Get('Schemas')
  @Header('content-type', SCIM_CONTENT_TYPE)
  schemas() {
    const user = {
      schemas: [SCIM_SCHEMA.SCHEMA],
      id: SCIM_SCHEMA.USER,
      name: 'User',
      description: 'A member of the tenant',
      attributes: USER_ATTRIBUTES,
      meta: { resourceType: 'Schema', location: `${this.base}/scim/v2/Schemas/${SCIM_SCHEMA.USER}` },
    };
    return { schemas: [SCIM_SCHEMA.LIST], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [user] };
  }

  private get base(): string {
    return this.config.get('PUBLIC_URL').replace(/\/$/, '');
  }
}
