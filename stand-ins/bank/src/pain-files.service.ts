import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InstructionExecutorService, type Execution } from './instruction-executor.service';
import { amountProblem, fileProblem, readPain001, writePain002, type FileTransaction, type FileTransactionStatus } from './pain-files';

/** A file-based institution: the same decisions as on Kafka, one pain.001 in, one pain.002 out. */
@Injectable()
export class PainFilesService {
  constructor(private readonly executor: InstructionExecutorService) {}

  /** Throws Pain001Error when the file cannot be read at all. */
  answer(xml: string): string {
    const file = readPain001(xml);
    const report = { messageId: `SIM${randomUUID().replace(/-/g, '').slice(0, 32)}`, createdAt: new Date() };
    const problem = fileProblem(file);
    if (problem) {
      // nothing is executed from a file whose totals do not add up
      const rejected = file.transactions.map((): FileTransactionStatus => ({ status: 'RJCT', reasonCode: 'NARR', reasonText: `file rejected: ${problem.code}`, bankReference: null, amountDong: null }));
      return writePain002(file, rejected, { ...report, groupRejection: problem });
    }
    return writePain002(file, file.transactions.map((transaction) => this.execute(transaction)), report);
  }

  private execute(transaction: FileTransaction): FileTransactionStatus {
    const badAmount = amountProblem(transaction);
    if (badAmount) return { status: 'RJCT', reasonCode: 'AM09', reasonText: badAmount, bankReference: null, amountDong: null };
    const execution: Execution = this.executor.execute({
      source: 'file',
      institutionCode: transaction.institutionCode,
      instructionId: transaction.instructionId,
      endToEndId: transaction.endToEndId,
      channel: transaction.channel,
      amountDong: transaction.amountDong!,
      creditorName: transaction.creditorName,
      accountNumber: transaction.accountNumber,
      cccd: null,
      sendSequence: null,
      content: JSON.stringify([transaction.institutionCode, transaction.amountDong, transaction.accountNumber, transaction.creditorName, transaction.endToEndId]),
    });
    const answer = execution.answer;
    if (!answer || execution.delivery !== 'send') return { status: 'PDNG', reasonCode: null, reasonText: null, bankReference: null, amountDong: null };
    return {
      status: answer.status === 'settled' ? 'ACSC' : 'RJCT',
      reasonCode: answer.reasonCode,
      reasonText: answer.reasonText,
      bankReference: answer.bankReference,
      amountDong: answer.amountDong,
    };
  }
}
