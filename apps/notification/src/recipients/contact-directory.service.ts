import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { contactPlan, type NoticeChannel, type PlannedChannel } from './contact-plan';

export type ContactLookup = { known: false } | { known: true; plan: PlannedChannel[] };

/** Where a beneficiary can be reached now, read in the caller's transaction. */
@Injectable()
export class ContactDirectoryService {
  async lookup(manager: EntityManager, beneficiaryId: string): Promise<ContactLookup> {
    const rows: Array<{ phone: string | null; channels: NoticeChannel[] | null; email: string | null; zalo_user_id: string | null }> = await manager.query(
      `SELECT r.phone, p.channels, p.email, p.zalo_user_id
         FROM notification.recipient r LEFT JOIN notification.contact_preference p USING (beneficiary_id)
        WHERE r.beneficiary_id = $1`,
      [beneficiaryId],
    );
    if (rows.length === 0) return { known: false };
    const [row] = rows;
    const preference = row.channels ? { channels: row.channels, email: row.email, zaloUserId: row.zalo_user_id } : null;
    return { known: true, plan: contactPlan({ phone: row.phone, preference }) };
  }

  /** `lookup` for many beneficiaries in one query. */
  async lookupMany(manager: EntityManager, beneficiaryIds: readonly string[]): Promise<Map<string, ContactLookup>> {
    const rows: Array<{ beneficiary_id: string; phone: string | null; channels: NoticeChannel[] | null; email: string | null; zalo_user_id: string | null }> = await manager.query(
      `SELECT r.beneficiary_id, r.phone, p.channels, p.email, p.zalo_user_id
         FROM notification.recipient r LEFT JOIN notification.contact_preference p USING (beneficiary_id)
        WHERE r.beneficiary_id = ANY($1::uuid[])`,
      [[...new Set(beneficiaryIds)]],
    );
    const found = new Map<string, ContactLookup>(
      rows.map((row) => {
        const preference = row.channels ? { channels: row.channels, email: row.email, zaloUserId: row.zalo_user_id } : null;
        return [row.beneficiary_id, { known: true, plan: contactPlan({ phone: row.phone, preference }) }];
      }),
    );
    return new Map(beneficiaryIds.map((id) => [id, found.get(id) ?? { known: false }]));
  }
}
