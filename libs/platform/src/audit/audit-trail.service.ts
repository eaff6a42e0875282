import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../kafka/messaging-options';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details: Record<string, unknown>;
}

export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export type AuditVerification =
  | { intact: true; entries: number; lastHash: string }
  | { intact: false; entries: number; brokenAt: number; problem: 'GAP' | 'HASH_MISMATCH' | 'CHAIN_MISMATCH' };

/**
 * An audit trail that cannot be altered silently: every entry carries the hash of the previous one,
 * the table refuses UPDATE and DELETE, and `verify` recomputes the chain, so an edited row (hash
 * mismatch), a removed one (gap in the sequence) or a forged one (chain mismatch) is found.
 */
@Injectable()
export class AuditTrailService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  /** Appends in the caller's transaction; appends of one service are serialised so the chain has one line. */
  async append(manager: EntityManager, record: AuditRecord): Promise<{ seq: number; hash: string }> {
    const schema = this.options.schema;
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`audit:${schema}`]);
    const [last] = await manager.query(`SELECT seq, hash FROM "${schema}".audit_entry ORDER BY seq DESC LIMIT 1`);
    const seq = last ? Number(last.seq) + 1 : 1;
    const recordedAt = new Date().toISOString();
    const canonical = canonicalJson({ seq, recordedAt, ...record });
    const hash = chainHash(last?.hash ?? GENESIS_HASH, canonical);
    await manager.query(
      `INSERT INTO "${schema}".audit_entry (seq, recorded_at, actor, action, entity_type, entity_id, canonical, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [seq, recordedAt, record.actor, record.action, record.entityType, record.entityId, canonical, last?.hash ?? GENESIS_HASH, hash],
    );
    return { seq, hash };
  }

  async verify(): Promise<AuditVerification> {
    const schema = this.options.schema;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    const pageSize = 10_000;
    for (;;) {
      const rows: Array<{ seq: string; canonical: string; prev_hash: string; hash: string }> = await this.dataSource.query(
        `SELECT seq, canonical, prev_hash, hash FROM "${schema}".audit_entry WHERE seq >= $1 ORDER BY seq LIMIT ${pageSize}`,
        [expectedSeq],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return { intact: false, entries: expectedSeq - 1, brokenAt: expectedSeq, problem: 'GAP' };
        if (row.prev_hash !== prevHash) return { intact: false, entries: seq - 1, brokenAt: seq, problem: 'CHAIN_MISMATCH' };
        const parsed = JSON.parse(row.canonical) as { seq?: number };
        if (parsed.seq !== seq || chainHash(prevHash, row.canonical) !== row.hash) {
          return { intact: false, entries: seq - 1, brokenAt: seq, problem: 'HASH_MISMATCH' };
        }
        prevHash = row.hash;
        expectedSeq = seq + 1;
      }
      if (rows.length < pageSize) return { intact: true, entries: expectedSeq - 1, lastHash: prevHash };
    }
  }
}
