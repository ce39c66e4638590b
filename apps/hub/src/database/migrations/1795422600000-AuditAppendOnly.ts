import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: the audit log refuses changes and deletions, whoever asks. */
export class AuditAppendOnly1795422600000 implements MigrationInterface {
  name = 'AuditAppendOnly1795422600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_event_append_only ON audit_event`);
    await queryRunner.query(`DROP FUNCTION audit_event_append_only()`);
  }
}
