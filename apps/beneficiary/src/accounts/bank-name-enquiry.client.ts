import type { PaymentChannel } from '@app/contracts';
import { SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { BeneficiaryConfig } from '../config/beneficiary.config';
import type { NameEnquiryAnswer } from './account-rules';

export interface NameEnquiryRequest {
  channel: PaymentChannel;
  /** A bank's BIN or an e-wallet provider's code. */
  institution: string;
  /** In clear: the one place outside a payment instruction where a bank needs the full number. */
  accountNumber: string;
}

/** Banks' and e-wallets' name-enquiry as AnSinh needs it: an adapter per real integration, the stand-in bank in development and tests. */
export abstract class BankNameEnquiryClient {
  abstract enquire(request: NameEnquiryRequest): Promise<NameEnquiryAnswer>;
}

/** The bank could not be asked or gave no usable answer: the enquiry is retried, the account is never rejected for it. */
export class BankUnavailableError extends Error {
  override readonly name = 'BankUnavailableError';
}

const foundSchema = z.object({ holderName: z.string().min(1).max(200) });
const refusalSchema = z.object({ code: z.string() });

/**
 * Talks to a name-enquiry service over HTTP. Only an explicit "no such account" / "account closed"
 * answer counts as one: a 404 from a wrong URL or a proxy must not reject every account it touches.
 * Error messages never carry the account number (they end up in job records and logs).
 */
@Injectable()
export class HttpBankNameEnquiryClient extends BankNameEnquiryClient {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: BeneficiaryConfig) {
    super();
  }

  async enquire(request: NameEnquiryRequest): Promise<NameEnquiryAnswer> {
    const url = new URL('/name-enquiry', this.config.BANK_STAND_IN_URL);
    url.searchParams.set(request.channel === 'bank' ? 'bin' : 'provider', request.institution);
    url.searchParams.set('account', request.accountNumber);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.config.BANK_NAME_ENQUIRY_TIMEOUT_MS) });
    } catch (error) {
      throw new BankUnavailableError(`name-enquiry of ${request.institution} unreachable: ${(error as Error).name}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 200) {
      const found = foundSchema.safeParse(body);
      if (found.success) return { outcome: 'found', holderName: found.data.holderName };
    }
    const refusal = refusalSchema.safeParse(body);
    if (response.status === 404 && refusal.success && refusal.data.code === 'ACCOUNT_NOT_FOUND') return { outcome: 'not_found' };
    if (response.status === 410 && refusal.success && refusal.data.code === 'ACCOUNT_CLOSED') return { outcome: 'closed' };
    throw new BankUnavailableError(`name-enquiry of ${request.institution} answered ${response.status} without a usable answer`);
  }
}
