import { foldVietnamese } from '@app/contracts';
import { DomainError, coversArea, type Principal } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { BeneficiaryErrors } from '../beneficiaries/beneficiary.errors';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { BeneficiaryLifecycleService } from '../beneficiaries/beneficiary-lifecycle.service';
import { BeneficiaryEntity } from '../beneficiaries/beneficiary.entity';
import { IDENTITY_QUEUE, IdentityJob } from './identity-queue';
import { PopulationRegistry, type Citizen } from './population-registry.client';

export type VerificationOutcome = 'match' | 'mismatch' | 'not_found' | 'deceased';
const REGISTRY_ACTOR = 'system:population-registry';
const SWEEP_BATCH = 1_000;
const DEATH_FEED_PAGE = 500;

/** Compares what the registry knows with what the officer entered. The registry is the authority. */
export function compareWithRegistry(beneficiary: Pick<BeneficiaryEntity, 'fullName' | 'dateOfBirth' | 'gender'>, citizen: Citizen | null) {
  if (!citizen) return { outcome: 'not_found' as const, mismatchedFields: [] };
  const mismatchedFields = [
    foldVietnamese(beneficiary.fullName) !== foldVietnamese(citizen.fullName) ? 'fullName' : null,
    beneficiary.dateOfBirth !== citizen.dateOfBirth ? 'dateOfBirth' : null,
    beneficiary.gender !== citizen.gender ? 'gender' : null,
  ].filter((field): field is string => field !== null);
  if (citizen.lifeStatus === 'deceased') return { outcome: 'deceased' as const, mismatchedFields, dateOfDeath: citizen.dateOfDeath };
  return { outcome: mismatchedFields.length ? ('mismatch' as const) : ('match' as const), mismatchedFields };
}

/**
 * Keeps the registry "correct, complete, clean and alive": every registration is checked against the
 * population database, and deaths the database reports cease payment from the following month.
 */
@Injectable()
export class IdentityVerificationService {
  private readonly logger = new Logger(IdentityVerificationService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(IDENTITY_QUEUE) private readonly queue: Queue,
    private readonly registry: PopulationRegistry,
    private readonly lifecycle: BeneficiaryLifecycleService,
  ) {}

  /** Checks one beneficiary. A registry outage throws, so the job is retried with backoff. */
  async verify(beneficiaryId: string): Promise<VerificationOutcome | 'skipped'> {
    const beneficiary = await this.dataSource.getRepository(BeneficiaryEntity).findOneBy({ id: beneficiaryId });
    if (!beneficiary || beneficiary.status !== 'pending_verification') return 'skipped';
    const comparison = compareWithRegistry(beneficiary, await this.registry.findCitizen(beneficiary.cccd));
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(BeneficiaryEntity, { where: { id: beneficiaryId }, lock: { mode: 'pessimistic_write' } });
      if (current?.status !== 'pending_verification') return 'skipped';
      await manager.query(
        `INSERT INTO beneficiary.identity_verification (beneficiary_id, source, outcome, mismatched_fields) VALUES ($1, 'population_registry', $2, $3)`,
        [beneficiaryId, comparison.outcome, comparison.mismatchedFields],
      );
      if (comparison.outcome === 'match') {
        await this.lifecycle.apply(manager, beneficiaryId, { kind: 'verify', by: 'population_registry' }, REGISTRY_ACTOR);
      } else if (comparison.outcome === 'deceased') {
        const effectiveDate = comparison.dateOfDeath ?? new Date().toISOString().slice(0, 10);
        await this.lifecycle.apply(manager, beneficiaryId, { kind: 'cease', reason: 'DECEASED', effectiveDate }, REGISTRY_ACTOR);
      }
      return comparison.outcome;
    });
  }

  /**
   * Queues every registration never checked yet (bulk imports, and any whose queueing was lost).
   * Job ids carry the hour, so a check that failed every retry is tried again the next hour.
   */
  async sweep(): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT b.id FROM beneficiary.beneficiary b
        WHERE b.status = 'pending_verification'
          AND NOT EXISTS (SELECT 1 FROM beneficiary.identity_verification v WHERE v.beneficiary_id = b.id)
        ORDER BY b.id LIMIT $1`,
      [SWEEP_BATCH],
    );
    const hour = Math.floor(Date.now() / 3_600_000);
    await this.queue.addBulk(
      rows.map(({ id }) => ({ name: IdentityJob.Verify, data: { beneficiaryId: id }, opts: { jobId: `verify-${id}-${hour}` } })),
    );
    return rows.length;
  }

  /** Applies the registry's death notices after the stored position; the position moves in the same transaction. */
  async followDeathFeed(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO beneficiary.registry_feed_cursor (feed, position) VALUES ('deaths', 0) ON CONFLICT (feed) DO NOTHING`);
      const [{ position }] = await manager.query(`SELECT position FROM beneficiary.registry_feed_cursor WHERE feed = 'deaths' FOR UPDATE`);
      const page = await this.registry.deathsAfter(Number(position), DEATH_FEED_PAGE);
      let ceased = 0;
      for (const notice of page.items) {
        const affected: Array<{ id: string }> = await manager.query(
          `SELECT id FROM beneficiary.beneficiary WHERE cccd = $1 AND status <> 'ceased' ORDER BY id`,
          [notice.cccd],
        );
        for (const { id } of affected) {
          await this.lifecycle.apply(manager, id, { kind: 'cease', reason: 'DECEASED', effectiveDate: notice.dateOfDeath }, REGISTRY_ACTOR);
          ceased += 1;
        }
      }
      await manager.query(`UPDATE beneficiary.registry_feed_cursor SET position = $1, updated_at = now() WHERE feed = 'deaths'`, [page.next]);
      if (ceased) this.logger.log({ notices: page.items.length, ceased }, 'death notices applied');
      return ceased;
    });
  }

  async requestCheck(beneficiaryId: string, principal: Principal): Promise<{ queued: true }> {
    const beneficiary = await this.dataSource.getRepository(BeneficiaryEntity).findOneBy({ id: beneficiaryId });
    if (!beneficiary) throw BeneficiaryErrors.notFound();
    if (!coversArea(principal, beneficiary)) throw BeneficiaryErrors.outOfArea();
    if (beneficiary.status !== 'pending_verification') {
      throw new DomainError('BENEFICIARY.NOT_PENDING_VERIFICATION', 'Chỉ đối chiếu lại với CSDL dân cư khi đối tượng đang chờ xác minh.', 'conflict');
    }
    await this.queue.add(IdentityJob.Verify, { beneficiaryId }, { jobId: `verify-${beneficiaryId}-manual-${Date.now()}` });
    return { queued: true };
  }

  async history(beneficiaryId: string, principal: Principal) {
    const beneficiary = await this.dataSource.getRepository(BeneficiaryEntity).findOneBy({ id: beneficiaryId });
    if (!beneficiary) throw BeneficiaryErrors.notFound();
    if (!coversArea(principal, beneficiary)) throw BeneficiaryErrors.outOfArea();
    const rows: Array<{ source: string; outcome: string; mismatched_fields: string[]; checked_at: Date }> = await this.dataSource.query(
      `SELECT source, outcome, mismatched_fields, checked_at FROM beneficiary.identity_verification WHERE beneficiary_id = $1 ORDER BY id`,
      [beneficiaryId],
    );
    return rows.map((row) => ({ source: row.source, outcome: row.outcome, mismatchedFields: row.mismatched_fields, checkedAt: row.checked_at.toISOString() }));
  }
}
