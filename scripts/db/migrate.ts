// `npm run db:migrate`: applies pending migrations to the database DATABASE_URL names (SQLite file
// .data/calendar.db when unset). Same effect as `prisma migrate deploy`, without the prisma CLI's engine.
import { applyMigrations } from '../../db/migrate';

applyMigrations(process.env.DATABASE_URL)
  .then(({ provider, applied }) => {
    console.log(
      applied.length === 0
        ? `db:migrate (${provider}): already up to date`
        : `db:migrate (${provider}): applied ${applied.length} migration(s): ${applied.join(', ')}`,
    );
  })
  .catch((error: unknown) => {
    console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
