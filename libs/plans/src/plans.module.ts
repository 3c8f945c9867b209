import { Global, Module } from '@nestjs/common';
import { CountedLimits } from './counted-limits';
import { EffectiveConfigService } from './effective-config.service';

@Global()
@Module({ providers: [EffectiveConfigService, CountedLimits], exports: [EffectiveConfigService, CountedLimits] })
export class PlansModule {}
