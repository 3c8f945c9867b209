import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/db/src/schema/index.ts',
  out: './drizzle',
  // Generation only diffs TypeScript against drizzle/meta; migrate with `npm run db:migrate`.
  dbCredentials: { url: process.env.MIGRATION_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
});
