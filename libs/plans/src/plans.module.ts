import { Global, Module } from '@nestjs/common';
import { EffectiveConfigService } from './effective-config.service';

@Global()
@Module({ providers: [EffectiveConfigService], exports: [EffectiveConfigService] })
export class PlansModule {}
