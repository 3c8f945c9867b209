import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock';
import { OverQuotaFlags } from './over-quota-flags';
import { UsageRecorder } from './usage-recorder';

@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: systemClock }, UsageRecorder, OverQuotaFlags],
  exports: [CLOCK, UsageRecorder, OverQuotaFlags],
})
export class MeteringModule {}
