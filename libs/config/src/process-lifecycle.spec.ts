import { createServer } from 'node:net';
import { assertPortFree, PortInUseError, startEntryPoint } from './process-lifecycle';

describe('startEntryPoint', () => {
  const original = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = original;
  });

  it('makes a compiled entry point production whatever NODE_ENV said', () => {
    process.env.NODE_ENV = 'development';
    startEntryPoint('/srv/tenantry/dist/apps/api/src/main.js');
    expect(process.env.NODE_ENV).toBe('production');
  });

  it('leaves NODE_ENV to the shell when run from the sources', () => {
    process.env.NODE_ENV = 'development';
    startEntryPoint('/srv/tenantry/apps/api/src/main.ts');
    expect(process.env.NODE_ENV).toBe('development');
  });
});

describe('assertPortFree', () => {
  it('resolves for a free port and names the variable of a taken one', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      await expect(assertPortFree(port, 'EMBEDDED_PG_PORT', 'the embedded development PostgreSQL', '127.0.0.1')).rejects.toEqual(
        new PortInUseError(port, 'EMBEDDED_PG_PORT', 'the embedded development PostgreSQL'),
      );
      await expect(assertPortFree(port, 'PORT', 'the HTTP port of the API')).rejects.toThrow(
        `PORT ${port} (the HTTP port of the API) is already in use by another process: stop that process, or set PORT to a free port`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await expect(assertPortFree(port, 'PORT', 'the HTTP port of the API')).resolves.toBeUndefined();
  });
});
