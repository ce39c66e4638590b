import { MigrationInterface, QueryRunner } from 'typeorm';

const ORGANISATION_KEY = 'FK_504042232594fecf846e41ff3ff';
const INCIDENT_KEY = 'FK_56f6438919964e04e04d44826be';

/**
 * Written by hand: a signal's organisation and incident are checked once per statement
 * instead of by foreign keys, which check once per row. An ingest transaction stores
 * thousands of signals referring to a few organisations and hundreds of incidents; the two
 * keys' row-by-row lookups (a trigger and a query each) made inserting 50,000 signals take
 * about twice as long (bench/README.md). The checks keep what the keys guaranteed: written
 * signals refer to rows that exist, locked FOR KEY SHARE until commit as a key's check
 * locks them (so a concurrent delete waits, then fails); an organisation or incident that
 * signals refer to cannot be deleted, truncated or renumbered.
 */
export class SignalReferencesBySet1796553418715 implements MigrationInterface {
  name = 'SignalReferencesBySet1796553418715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signal" DROP CONSTRAINT "${ORGANISATION_KEY}"`);
    await queryRunner.query(`ALTER TABLE "signal" DROP CONSTRAINT "${INCIDENT_KEY}"`);
    await queryRunner.query(`CREATE FUNCTION signal_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing uuid;
      BEGIN
        SELECT w.id INTO missing FROM (SELECT DISTINCT org_id AS id FROM written) w
          WHERE NOT EXISTS (SELECT FROM organisation o WHERE o.id = w.id FOR KEY SHARE) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'signal.org_id % is not an organisation', missing
            USING ERRCODE = 'foreign_key_violation', TABLE = 'signal', COLUMN = 'org_id';
        END IF;
        SELECT w.id INTO missing FROM (SELECT DISTINCT incident_id AS id FROM written WHERE incident_id IS NOT NULL) w
          WHERE NOT EXISTS (SELECT FROM incident i WHERE i.id = w.id FOR KEY SHARE) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'signal.incident_id % is not an incident', missing
            USING ERRCODE = 'foreign_key_violation', TABLE = 'signal', COLUMN = 'incident_id';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER signal_references_inserted AFTER INSERT ON signal REFERENCING NEW TABLE AS written
      FOR EACH STATEMENT EXECUTE FUNCTION signal_references_exist()`);
    await queryRunner.query(`CREATE TRIGGER signal_references_updated AFTER UPDATE ON signal REFERENCING NEW TABLE AS written
      FOR EACH STATEMENT EXECUTE FUNCTION signal_references_exist()`);
    // The referred side; the argument names the signal column that refers to the table.
    await queryRunner.query(`CREATE FUNCTION signal_referents_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        referred uuid;
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          IF EXISTS (SELECT FROM signal) THEN
            RAISE EXCEPTION 'signals refer to %', TG_TABLE_NAME
              USING ERRCODE = 'foreign_key_violation', TABLE = 'signal', COLUMN = TG_ARGV[0];
          END IF;
          RETURN NULL;
        END IF;
        EXECUTE format('SELECT r.id FROM removed r WHERE EXISTS (SELECT FROM signal s WHERE s.%I = r.id) LIMIT 1', TG_ARGV[0]) INTO referred;
        IF referred IS NOT NULL THEN
          RAISE EXCEPTION 'signals refer to % %', TG_TABLE_NAME, referred
            USING ERRCODE = 'foreign_key_violation', TABLE = 'signal', COLUMN = TG_ARGV[0];
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE FUNCTION signal_referent_id_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%.id cannot change: signals refer to it by id', TG_TABLE_NAME
          USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, COLUMN = 'id';
      END $$`);
    for (const [table, column] of [
      ['organisation', 'org_id'],
      ['incident', 'incident_id'],
    ]) {
      await queryRunner.query(`CREATE TRIGGER signals_keep_${table} AFTER DELETE ON ${table} REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION signal_referents_kept('${column}')`);
      await queryRunner.query(`CREATE TRIGGER signals_keep_${table}_rows AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION signal_referents_kept('${column}')`);
      await queryRunner.query(`CREATE TRIGGER ${table}_id_unchanged BEFORE UPDATE OF id ON ${table}
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION signal_referent_id_unchanged()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['organisation', 'incident']) {
      await queryRunner.query(`DROP TRIGGER ${table}_id_unchanged ON ${table}`);
      await queryRunner.query(`DROP TRIGGER signals_keep_${table}_rows ON ${table}`);
      await queryRunner.query(`DROP TRIGGER signals_keep_${table} ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION signal_referent_id_unchanged()`);
    await queryRunner.query(`DROP FUNCTION signal_referents_kept()`);
    await queryRunner.query(`DROP TRIGGER signal_references_updated ON signal`);
    await queryRunner.query(`DROP TRIGGER signal_references_inserted ON signal`);
    await queryRunner.query(`DROP FUNCTION signal_references_exist()`);
    await queryRunner.query(`ALTER TABLE "signal" ADD CONSTRAINT "${INCIDENT_KEY}" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "signal" ADD CONSTRAINT "${ORGANISATION_KEY}" FOREIGN KEY ("org_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }
}
