import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Optional, Trim } from '../../validation';
import type { Project } from '@tenantry/db';

export class CreateProjectDto {
  /** @example "Website relaunch" */
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** @example "Everything for the autumn launch" */
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;
}

export class UpdateProjectDto {
  /** @example "Website relaunch 2.0" */
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  /** `null` clears it. @example "Now with a blog" */
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(5000)
  description?: string | null;
}

/** A project as the API answers it. */
export class ProjectResponse {
  /** @example "6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11" */
  id: string;

  /** @example "Website relaunch" */
  name: string;

  /** @example "Everything for the autumn launch" */
  description: string | null;

  /** The user who made it; null when an API key did. @example "0b7e2c8a-4f49-4a55-9c0c-58f1a7c1d2e3" */
  createdBy: string | null;

  createdAt: Date;

  updatedAt: Date;
}

/** One page of projects, newest first; pass `nextCursor` as `cursor` for the next. */
export class ProjectPage {
  data: ProjectResponse[];

  /** Null on the last page. @example "MjAyNS0wMS0wMlQwMzowNDowNS4wMDBafDZmMWMy" */
  nextCursor: string | null;
}

/** The answer for one project row: what the API shows of it. */
export function toProjectResponse(project: Project): ProjectResponse {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    createdBy: project.createdBy,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}
