import { ApiProperty, ApiPropertyOptional, SchemaObject } from '@nestjs/swagger';

/** Each checked dependency (`shutdown`, `postgres`, `redis`) by name: `up`, or `down` with a message. */
const INDICATORS: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
  },
};

/** The health report: the same shape for 200 and 503, naming what failed. */
export class HealthReport {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status: string;

  @ApiPropertyOptional({ ...INDICATORS, description: 'The dependencies that are up', example: { postgres: { status: 'up' } } })
  info?: Record<string, unknown>;

  @ApiPropertyOptional({
    ...INDICATORS,
    description: 'The dependencies that are down',
    example: { redis: { status: 'down', message: 'Redis did not answer within 2000 ms' } },
  })
  error?: Record<string, unknown>;

  @ApiProperty({
    ...INDICATORS,
    description: 'Every checked dependency',
    example: { shutdown: { status: 'up' }, postgres: { status: 'up' }, redis: { status: 'up' } },
  })
  details: Record<string, unknown>;
}
