import { accountTransportContext } from '@app/contracts';
import { FieldCipher } from '@app/platform';
import { accountCipherContext } from './account-events';
import type { PaymentChannelEntity } from './payment-channel.entity';

/**
 * Re-seals an account number from this service's key (at rest) to the key shared with the payment
 * service, so the number crosses Kafka as ciphertext that only payment can open.
 */
export class AccountTransportSealer {
  constructor(
    private readonly atRest: FieldCipher,
    private readonly transport: FieldCipher,
  ) {}

  seal(account: PaymentChannelEntity): string {
    const accountNumber = this.atRest.decrypt(account.accountNumberCipher, accountCipherContext(account.id));
    return this.transport.encrypt(accountNumber, accountTransportContext(account.id)).toString('base64');
  }
}
