import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Correlation searches only open incidents' keys and prefixes. A probe used to find every
 * incident that ever offered its key, resolved ones included, and read each by primary key
 * only to drop it: a publish cost more the longer the hub had run. `open` follows the
 * incident's status (IncidentStore.setOpen); the partial indexes hold only open ones.
 */
export class IncidentKeysOpen1795469549492 implements MigrationInterface {
  name = 'IncidentKeysOpen1795469549492';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incident_key" ADD "open" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "incident_prefix" ADD "open" boolean NOT NULL DEFAULT true`);
    // Hand-added: the keys and prefixes of incidents resolved so far.
    await queryRunner.query(`UPDATE "incident_key" k SET "open" = false FROM "incident" i WHERE i."id" = k."incident_id" AND i."status" = 'RESOLVED'`);
    await queryRunner.query(`UPDATE "incident_prefix" p SET "open" = false FROM "incident" i WHERE i."id" = p."incident_id" AND i."status" = 'RESOLVED'`);
    // Hand-added (TypeORM cannot declare partial or SP-GiST indexes; the entities mark them synchronize: false).
    await queryRunner.query(`CREATE INDEX "IDX_incident_key_open" ON "incident_key" ("key") WHERE "open"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_prefix_overlap"`);
    await queryRunner.query(`CREATE INDEX "IDX_incident_prefix_overlap" ON "incident_prefix" USING SPGIST ("prefix" inet_ops) WHERE "open"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_prefix_overlap"`);
    await queryRunner.query(`CREATE INDEX "IDX_incident_prefix_overlap" ON "incident_prefix" USING SPGIST ("prefix" inet_ops)`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_key_open"`);
    await queryRunner.query(`ALTER TABLE "incident_prefix" DROP COLUMN "open"`);
    await queryRunner.query(`ALTER TABLE "incident_key" DROP COLUMN "open"`);
  }
}
