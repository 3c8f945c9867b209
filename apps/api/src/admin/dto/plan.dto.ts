import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

export class CreatePlanDto {
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'key must be lowercase letters, digits, "_" or "-", starting with a letter' })
  key: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(NAME, { each: true, message: 'each feature must be a lowercase name such as csv_export' })
  features: string[] = [];

  /** Named non-negative integers, e.g. { seats: 5, projects: 10 }; checked by the service. */
  @IsOptional()
  @IsObject()
  limits: Record<string, number> = {};
}

export class UpdatePlanDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(NAME, { each: true, message: 'each feature must be a lowercase name such as csv_export' })
  features?: string[];

  @IsOptional()
  @IsObject()
  limits?: Record<string, number>;
}
