import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { CLIENT_SCHEMA_FILE, renderClientSchema } from './client-schema';

/**
 * `npm run client:generate`: builds the application's module graph (no server, no connection is
 * opened: the pools connect lazily), takes its OpenAPI document and writes the client's types.
 */
async function generate(): Promise<void> {
  // Placeholders that satisfy config validation; nothing connects before a request arrives.
  process.env.NODE_ENV ??= 'test';
  process.env.DATABASE_URL ??= 'postgres://unused@127.0.0.1:1/unused';
  process.env.SYSTEM_DATABASE_URL ??= 'postgres://unused@127.0.0.1:1/unused';
  process.env.LOG_LEVEL ??= 'silent';
  const { AppModule } = await import('../app.module');
  const { loadOpenApiMetadata, openApiDocument } = await import('./openapi-document');
  await loadOpenApiMetadata();
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  const document = openApiDocument(app);
  writeFileSync(CLIENT_SCHEMA_FILE, renderClientSchema(document));
  console.log(`wrote ${CLIENT_SCHEMA_FILE}`);
  await app.close();
  process.exit(0);
}

generate().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
