import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { hubDataSourceOptions } from './data-source-options.js';
import { createScratchDatabase, startScratchServer } from './scratch-database.js';

/**
 * `migration-cli check`: applies the committed migrations to a scratch database and
 * fails if the entities still differ from it (a migration is missing or stale).
 * `migration-cli generate <Name>`: writes the migration that closes that difference,
 * to be reviewed and committed (then listed in migrations/index.ts).
 */
const MIGRATIONS_DIR = resolve('apps/hub/src/database/migrations');

async function pendingSchemaChanges(): Promise<{ up: string[]; down: string[] }> {
  const server = await startScratchServer();
  const database = await createScratchDatabase(server.adminUrl, 'kessetsu_migrations');
  const dataSource = new DataSource(hubDataSourceOptions(database.url, 2));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((query) => query.query),
      down: sql.downQueries.map((query) => query.query).reverse(),
    };
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await database.drop();
    await server.stop();
  }
}

function renderMigration(className: string, up: string[], down: string[]): string {
  const statements = (queries: string[]) =>
    queries.map((query) => `    await queryRunner.query(\`${query.replace(/[`\\$]/g, (c) => `\\${c}`)}\`);`).join('\n');
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${statements(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${statements(down)}
  }
}
`;
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const changes = await pendingSchemaChanges();
  if (command === 'check') {
    if (changes.up.length === 0) {
      console.log('migrations are up to date with the entities');
      return;
    }
    console.error(`entities differ from the committed migrations; run npm run migration:generate -- <Name>:\n${changes.up.join(';\n')}`);
    process.exit(1);
  }
  if (command === 'generate' && name && /^[A-Z][A-Za-z0-9]+$/.test(name)) {
    if (changes.up.length === 0) {
      console.log('nothing to generate');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const file = resolve(MIGRATIONS_DIR, `${timestamp}-${name}.ts`);
    writeFileSync(file, renderMigration(className, changes.up, changes.down));
    console.log(`wrote ${file}; review it and add ${className} to migrations/index.ts`);
    return;
  }
  console.error('usage: migration-cli check | generate <PascalCaseName>');
  process.exit(2);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
