import { defineConfig } from 'drizzle-kit';

// Generation only reads the schema; migrations are applied by `npm run db:migrate` (src/db/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
