import type { Knex } from 'knex';

/**
 * Firmware release signatures (issue 10, point 16): the Ed25519 signature of the release's
 * manifest (version, sha256, size; src/auth/firmware-signature.ts) in base64, the id of the key
 * that made it, and who signed (factory: its own key; vendor: uploaded with the artifact).
 * Releases uploaded before this migration have none; edges refuse them unless allowUnsigned.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('firmware_releases', (t) => {
    t.string('signature', 128).nullable();
    t.string('signature_key_id', 64).nullable();
    t.string('signed_by', 16).nullable(); // factory | vendor
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('firmware_releases', (t) => {
    t.dropColumn('signature');
    t.dropColumn('signature_key_id');
    t.dropColumn('signed_by');
  });
}
