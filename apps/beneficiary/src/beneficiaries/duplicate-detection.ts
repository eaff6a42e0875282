import type { EntityManager } from 'typeorm';

/**
 * Flags likely duplicates among newly registered beneficiaries: same folded name, date of birth,
 * commune and programme but a different CCCD — a typing error in the CCCD, or a person entered twice.
 * Flagged for an officer to decide; never merged or dropped automatically. Set-based, so one call
 * serves a single registration and a batch of an import alike.
 */
export async function flagLikelyDuplicates(manager: EntityManager, beneficiaryIds: string[]): Promise<number> {
  if (beneficiaryIds.length === 0) return 0;
  const flagged: unknown[] = await manager.query(
    `INSERT INTO beneficiary.duplicate_candidate (beneficiary_id, possible_duplicate_of, rule)
     SELECT fresh.id, earlier.id, 'SAME_NAME_BIRTH_DATE_COMMUNE'
       FROM beneficiary.beneficiary fresh
       JOIN beneficiary.beneficiary earlier
         ON earlier.programme_code = fresh.programme_code
        AND earlier.name_key = fresh.name_key
        AND earlier.date_of_birth = fresh.date_of_birth
        AND earlier.commune_code = fresh.commune_code
        AND earlier.cccd <> fresh.cccd
        AND earlier.id <> fresh.id
      WHERE fresh.id = ANY($1::uuid[])
        -- within one batch, flag each pair once, from the later row to the earlier one
        AND NOT (earlier.id = ANY($1::uuid[]) AND earlier.id > fresh.id)
     ON CONFLICT ON CONSTRAINT duplicate_candidate_pair_key DO NOTHING
     RETURNING id`,
    [beneficiaryIds],
  );
  return flagged.length;
}
