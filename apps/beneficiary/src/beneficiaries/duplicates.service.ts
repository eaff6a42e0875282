import { coversArea, DomainError, type Principal } from '@app/platform';
import { BeneficiaryErrors } from './beneficiary.errors';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BeneficiaryLifecycleService } from './beneficiary-lifecycle.service';
import type { ResolveDuplicateDto } from './dto/resolve-duplicate.dto';

interface CandidateRow {
  id: string;
  beneficiary_id: string;
  possible_duplicate_of: string;
  rule: string;
  status: string;
  province_code: string;
  commune_code: string;
  created_at: Date;
}

@Injectable()
export class DuplicatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lifecycle: BeneficiaryLifecycleService,
  ) {}

  async listOpen(principal: Principal) {
    const rows: CandidateRow[] = await this.dataSource.query(
      `SELECT d.id, d.beneficiary_id, d.possible_duplicate_of, d.rule, d.status, b.province_code, b.commune_code, d.created_at
         FROM beneficiary.duplicate_candidate d JOIN beneficiary.beneficiary b ON b.id = d.beneficiary_id
        WHERE d.status = 'open'
          AND ($1::text IS NULL OR b.province_code = $1::bpchar) AND ($2::text IS NULL OR b.commune_code = $2::bpchar)
        ORDER BY d.id LIMIT 500`,
      [principal.provinceCode ?? null, principal.communeCode ?? null],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      beneficiaryId: row.beneficiary_id,
      possibleDuplicateOf: row.possible_duplicate_of,
      rule: row.rule,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /**
   * An officer decides. "Same person" ceases the later registration as a duplicate (from the
   * following month, like any cease); "distinct people" closes the flag. Either way the decision,
   * who made it and when stay on the row.
   */
  async resolve(id: number, input: ResolveDuplicateDto, principal: Principal) {
    const notFound = () => new DomainError('BENEFICIARY.DUPLICATE_CANDIDATE_NOT_FOUND', 'Không tìm thấy cặp nghi trùng.', 'not_found');
    // ParseIntPipe lets any run of digits through; one past bigint would reach PostgreSQL and fail as a 500.
    if (!Number.isSafeInteger(id) || id < 1) throw notFound();
    const actor = `${principal.role}:${principal.sub}`;
    return this.dataSource.transaction(async (manager) => {
      const [candidate]: CandidateRow[] = await manager.query(
        `SELECT d.*, b.province_code, b.commune_code FROM beneficiary.duplicate_candidate d
           JOIN beneficiary.beneficiary b ON b.id = d.beneficiary_id WHERE d.id = $1 FOR UPDATE OF d`,
        [id],
      );
      if (!candidate) throw notFound();
      if (!coversArea(principal, { provinceCode: candidate.province_code, communeCode: candidate.commune_code })) {
        throw BeneficiaryErrors.outOfArea();
      }
      if (candidate.status !== 'open') {
        throw new DomainError('BENEFICIARY.DUPLICATE_ALREADY_RESOLVED', 'Cặp nghi trùng này đã được xử lý.', 'conflict');
      }
      await manager.query(
        `UPDATE beneficiary.duplicate_candidate SET status = $2, resolved_by = $3, resolved_at = now(), note = $4 WHERE id = $1`,
        [id, input.decision, actor, input.note ?? null],
      );
      if (input.decision === 'same_person') {
        await this.lifecycle.apply(manager, candidate.beneficiary_id, { kind: 'cease', reason: 'DUPLICATE', effectiveDate: input.effectiveDate ?? new Date().toISOString().slice(0, 10) }, actor);
      }
      return { id, status: input.decision };
    });
  }
}
