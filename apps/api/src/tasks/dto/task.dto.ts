import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { type Task, TASK_STATUSES, TaskStatus } from '@tenantry/db';
import { Trim } from '../../validation';

export class CreateTaskDto {
  /** @example "Write the release notes" */
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title: string;

  /** Defaults to `todo`. @example "todo" */
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}

export class UpdateTaskDto {
  /** @example "Write and publish the release notes" */
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title?: string;

  /** @example "done" */
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}

/** A task as the API answers it. */
export class TaskResponse {
  /** @example "9d3f4e1a-2b6c-4c1d-8e7f-0a1b2c3d4e5f" */
  id: string;

  /** @example "6f1c2f0e-8f7b-4b8e-9a39-1c7f1f3f0a11" */
  projectId: string;

  /** @example "Write the release notes" */
  title: string;

  /** @example "todo" */
  status: TaskStatus;

  createdAt: Date;

  updatedAt: Date;
}

/** One page of tasks, newest first; pass `nextCursor` as `cursor` for the next. */
export class TaskPage {
  data: TaskResponse[];

  /** Null on the last page. */
  nextCursor: string | null;
}

/** The answer for one task row: what the API shows of it. */
export function toTaskResponse(task: Task): TaskResponse {
  return {
    id: task.id,
    projectId: task.projectId,
    title: task.title,
    status: task.status,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
  };
}
