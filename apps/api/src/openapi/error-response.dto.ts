import { ApiProperty } from '@nestjs/swagger';

/** Every error answer of the API: NestJS's shape, the same for all statuses. */
export class ErrorResponse {
  /** The HTTP status, repeated. @example 400 */
  statusCode: number;

  /** The status's reason phrase. @example "Bad Request" */
  error: string;

  /** What went wrong: one sentence, or for a validation failure one entry per failing field. */
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['name must be shorter than or equal to 200 characters'],
  })
  message: string | string[];
}
