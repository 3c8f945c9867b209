import { getMetadataStorage } from 'class-validator';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from '@tenantry/config';
import { commandOf, ComposeService, isOurs, readCompose } from './compose';
import { execForm, lastOf, readDockerfile, ROOT } from './dockerfile';

/** Variables the compose file itself interpolates that no process reads (the database image's). */
const COMPOSE_ONLY = ['POSTGRES_PASSWORD'];

const configVariables = (): Set<string> =>
  new Set(getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false).map((rule) => rule.propertyName));

/** The files the image's node runs: a dist/ path is what `nest build` emits from the same path under apps/ or libs/ (.ts). */
const sourceOf = (distFile: string): string => distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts');

const runtime = () => readDockerfile().find((stage) => stage.name === 'runtime')!;
const packageScripts = (): Record<string, string> => (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('docker-compose.yml', () => {
  const compose = readCompose();
  const ours = Object.entries(compose.services).filter(([, service]) => isOurs(service));

  it('has PostgreSQL, PgBouncer, Redis, a one-shot migrate, two API processes and a worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'migrate', 'pgbouncer', 'postgres', 'redis', 'worker']);
    expect(ours.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'worker']);
    expect(compose.services.api!.deploy?.replicas).toBe(2);
    expect(compose.services.migrate!.restart).toBe('no');
  });

  it("runs in every service of ours a command the image has: the entry point's file, emitted by the build from a source that exists", () => {
    const entrypoint = execForm(lastOf(runtime(), 'ENTRYPOINT') ?? '[]');
    expect(entrypoint).toEqual(['node']);
    const cmd = execForm(lastOf(runtime(), 'CMD') ?? '[]');
    const scripts = packageScripts();
    for (const [name, service] of [...ours, ['image CMD', { command: cmd } as ComposeService] as const]) {
      const [file] = commandOf(service);
      expect({ name, file, source: existsSync(join(ROOT, sourceOf(file!))) }).toEqual({ name, file: expect.stringMatching(/^dist\/apps\/[a-z-]+\/src\/[a-z-]+\.js$/), source: true });
      // The same file as a production npm script runs, so the README's npm commands and the image agree.
      expect({ name, script: Object.values(scripts).includes(`node ${file}`) }).toEqual({ name, script: true });
    }
    expect(commandOf(compose.services.api!)).toEqual(cmd);
  });

  it('sets in services of ours only variables libs/config knows, and interpolates only those (or the database image password)', () => {
    const known = configVariables();
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const [name, service] of ours) {
      for (const variable of Object.keys(service.environment ?? {})) expect({ name, variable, known: known.has(variable) }).toEqual({ name, variable, known: true });
    }
    const interpolated = [...text.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!);
    expect(interpolated.length).toBeGreaterThan(5);
    for (const variable of new Set(interpolated)) expect({ variable, known: known.has(variable) || COMPOSE_ONLY.includes(variable) }).toEqual({ variable, known: true });
  });

  it('reaches PostgreSQL through PgBouncer in transaction mode with prepared statements off; migrations go straight to PostgreSQL', () => {
    const ini = readFileSync(join(ROOT, 'deploy/pgbouncer.ini'), 'utf8');
    expect(ini).toMatch(/^pool_mode\s*=\s*transaction\s*$/m);
    expect(compose.services.pgbouncer!.volumes).toContain('./deploy/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro');
    const listenPort = /^listen_port\s*=\s*(\d+)/m.exec(ini)?.[1];
    for (const name of ['api', 'worker']) {
      const env = compose.services[name]!.environment!;
      for (const variable of ['DATABASE_URL', 'SYSTEM_DATABASE_URL']) {
        expect({ name, variable, host: new URL(String(env[variable]).replace(/\$\{[^}]+\}/g, 'x')).host }).toEqual({ name, variable, host: `pgbouncer:${listenPort}` });
      }
      expect({ name, prepare: env.DB_PREPARE }).toEqual({ name, prepare: 'false' });
    }
    const migrationUrl = new URL(String(compose.services.migrate!.environment!.MIGRATION_DATABASE_URL).replace(/\$\{[^}]+\}/g, 'x'));
    expect(migrationUrl.host).toBe('postgres:5432');
  });

  it('keeps Redis durable (AOF) and never evicting queue keys (noeviction)', () => {
    const command = commandOf(compose.services.redis!);
    const option = (name: string) => command[command.indexOf(`--${name}`) + 1];
    expect(command[0]).toBe('redis-server');
    expect(option('appendonly')).toBe('yes');
    expect(option('maxmemory-policy')).toBe('noeviction');
  });

  it('migrates once, before the API and the worker start', () => {
    for (const name of ['api', 'worker']) {
      expect({ name, dependsOn: compose.services[name]!.depends_on }).toEqual({
        name,
        dependsOn: expect.objectContaining({ migrate: { condition: 'service_completed_successfully' } }),
      });
    }
    expect(compose.services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });
});
