import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './dockerfile';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
  deploy?: { replicas?: number };
  volumes?: string[];
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml as Compose reads it (YAML merge keys applied). */
export const readCompose = (path = join(ROOT, 'docker-compose.yml')): ComposeFile =>
  parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;

/** A service built from this repository (the image the Dockerfile makes). */
export const isOurs = (service: ComposeService): boolean => service.build !== undefined;

export function commandOf(service: ComposeService): string[] {
  if (!Array.isArray(service.command)) throw new Error('our services give command as a list');
  return service.command;
}
