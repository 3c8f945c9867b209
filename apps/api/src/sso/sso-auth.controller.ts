import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiConsumes, ApiFoundResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { NoAudit } from '@tenantry/audit';
import { Public } from '@tenantry/auth';
import { TokenPairResponse } from '../auth/dto/token-pair.dto';
import { DiscoverDto, DiscoverResponse, ExchangeDto, OidcCallbackQuery, SamlAcsDto, StartQuery } from './dto/sso-auth.dto';
import { SsoSignInService } from './sso-sign-in.service';

/** Single sign-on as a browser goes through it: discovery, start, the IdP's callback, the code exchange. */
@Public()
@Controller('v1/auth/sso')
export class SsoAuthController {
  constructor(private readonly signIn: SsoSignInService) {}

  @NoAudit('a lookup; it changes nothing')
  @ApiOkResponse({ type: DiscoverResponse })
  @ApiNotFoundResponse({ description: 'No verified domain with a connection for this email, or no enabled connection for this organisation' })
  @Post('discover')
  @HttpCode(200)
  discover(@Body() body: DiscoverDto): Promise<DiscoverResponse> {
    return this.signIn.discover(body);
  }

  @ApiFoundResponse({ description: 'Redirect to the sign-in\'s redirect target with a one-time `code`' })
  @HttpCode(302)
  @Get('oidc/callback')
  async oidcCallback(@Query() query: OidcCallbackQuery, @Res() response: Response): Promise<void> {
    response.redirect(302, await this.signIn.oidcCallback(query));
  }

  @NoAudit('the sign-in is audited by the service: auth.sso_login, user.provisioned or auth.sso_failed')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiFoundResponse({ description: 'Redirect to the sign-in\'s redirect target with a one-time `code`' })
  @HttpCode(302)
  @Post('saml/acs')
  async samlAcs(@Body() body: SamlAcsDto, @Res() response: Response): Promise<void> {
    response.redirect(302, await this.signIn.samlAcs(body));
  }

  @ApiProduces('application/samlmetadata+xml')
  @ApiOkResponse({ description: "The service provider's SAML metadata for this connection", schema: { type: 'string' } })
  @Header('content-type', 'application/samlmetadata+xml; charset=utf-8')
  @Get('saml/:connectionId/metadata')
  metadata(@Param('connectionId', ParseUUIDPipe) connectionId: string): Promise<string> {
    return this.signIn.samlMetadata(connectionId);
  }

  @NoAudit('the sign-in it completes was audited when the identity provider answered')
  @ApiOkResponse({ type: TokenPairResponse })
  @Post('exchange')
  @HttpCode(200)
  exchange(@Body() body: ExchangeDto): Promise<TokenPairResponse> {
    return this.signIn.exchange(body.code);
  }

  @ApiFoundResponse({ description: "Redirect to the identity provider's sign-in" })
  @HttpCode(302)
  @Get(':connectionId/start')
  async start(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: StartQuery, @Res() response: Response): Promise<void> {
    response.redirect(302, await this.signIn.start(connectionId, query.redirect));
  }
}
