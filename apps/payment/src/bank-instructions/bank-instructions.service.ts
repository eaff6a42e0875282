import { DomainError, institutionOf, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BankInstructionQueryDto } from './dto/bank-instruction-query.dto';

/**
 * One instruction as its institution sees it: what it was asked to pay and what AnSinh recorded of
 * its answers. Deliberately without the beneficiary's name, CCCD or full account number: the bank
 * has them in the signed instruction, and this read API must not widen what a bank token can see.
 */
export interface BankInstructionView {
  instructionId: string;
  endToEndId: string;
  batchId: string | null;
  institutionCode: string;
  channel: 'bank' | 'ewallet' | 'cash';
  amountDong: string;
  accountNumberMasked: string | null;
  programmeCode: string;
  cycleId: string | null;
  period: string;
  kind: string;
  status: string;
  sendSequence: number;
  lastSentAt: string | null;
  acceptedAt: string | null;
  lastResult: { reasonCode: string | null; bankReference: string | null; resolvedAt: string | null };
}

export interface BankInstructionPage {
  items: BankInstructionView[];
  /** Pass as `after` for the next page; null on the last one. */
  nextCursor: string | null;
}

const notFound = () => new DomainError('PAYMENT.INSTRUCTION_NOT_FOUND', 'Không tìm thấy lệnh chi của tổ chức bạn.', 'not_found');

const SELECT = `
  SELECT a.instruction_id, a.entitlement_id, coalesce(a.batch_id, (SELECT f.batch_id FROM payment.payout_attempt f WHERE f.entitlement_id = a.entitlement_id AND f.attempt_number = 1)) AS batch_id,
         a.institution_code, a.channel, a.amount_dong::text, a.account_number_masked, a.status, a.send_count, a.last_sent_at, a.accepted_at,
         a.reason_code, a.bank_reference, a.resolved_at, e.programme_code, e.cycle_id, e.period, e.kind
    FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id`;

/** A paying institution's own instructions, and nothing of any other institution's. */
@Injectable()
export class BankInstructionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: BankInstructionQueryDto, principal: Principal): Promise<BankInstructionPage> {
    const limit = query.limit ?? 100;
    const conditions = [`a.institution_code = $1`, `a.status <> 'planned'`];
    const parameters: unknown[] = [institutionOf(principal)];
    const add = (condition: string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition.replace('?', `$${parameters.length}`));
    };
    if (query.status) add('a.status = ?', query.status);
    if (query.period) add('e.period = ?', query.period);
    if (query.batchId) add('a.batch_id = ?', query.batchId);
    if (query.after) add('a.instruction_id > ?', query.after);
    parameters.push(limit + 1);
    const rows = await this.dataSource.query(`${SELECT} WHERE ${conditions.join(' AND ')} ORDER BY a.instruction_id LIMIT $${parameters.length}`, parameters);
    const items = rows.slice(0, limit).map(toView);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].instructionId : null };
  }

  async get(instructionId: string, principal: Principal): Promise<BankInstructionView> {
    const [row] = await this.dataSource.query(`${SELECT} WHERE a.instruction_id = $1 AND a.institution_code = $2 AND a.status <> 'planned'`, [instructionId, institutionOf(principal)]);
    if (!row) throw notFound();
    return toView(row);
  }
}

function toView(row: Record<string, unknown>): BankInstructionView {
  const iso = (value: unknown) => (value ? (value as Date).toISOString() : null);
  return {
    instructionId: row.instruction_id as string,
    endToEndId: row.entitlement_id as string,
    batchId: (row.batch_id as string | null) ?? null,
    institutionCode: row.institution_code as string,
    channel: row.channel as BankInstructionView['channel'],
    amountDong: row.amount_dong as string,
    accountNumberMasked: (row.account_number_masked as string | null) ?? null,
    programmeCode: row.programme_code as string,
    cycleId: (row.cycle_id as string | null) ?? null,
    period: row.period as string,
    kind: row.kind as string,
    status: row.status as string,
    sendSequence: row.send_count as number,
    lastSentAt: iso(row.last_sent_at),
    acceptedAt: iso(row.accepted_at),
    lastResult: { reasonCode: (row.reason_code as string | null) ?? null, bankReference: (row.bank_reference as string | null) ?? null, resolvedAt: iso(row.resolved_at) },
  };
}
