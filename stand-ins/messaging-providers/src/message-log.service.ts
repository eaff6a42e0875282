import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

export type StandInChannel = 'sms' | 'zalo' | 'email';

export interface ReceivedMessage {
  channel: StandInChannel;
  /** Phone number, Zalo user id or e-mail address, as the client sent it. */
  to: string;
  subject: string | null;
  text: string;
  /** The client's de-duplication key: requestId (SMS), tracking_id (Zalo), Message-ID (e-mail). */
  clientReference: string;
  providerMessageId: string;
  /** How many times the client sent this same message; it is delivered (and listed) once. */
  requests: number;
  receivedAt: string;
  segments?: number;
}

/**
 * What a real gateway would have handed on to the handset or mailbox, in memory. A repeat of a client
 * reference is answered like the first time and not delivered again, as gateways with idempotency keys
 * (and mailboxes with Message-IDs) behave.
 */
@Injectable()
export class MessageLogService {
  private readonly messages: ReceivedMessage[] = [];
  private readonly byReference = new Map<string, ReceivedMessage>();

  accept(message: Omit<ReceivedMessage, 'providerMessageId' | 'requests' | 'receivedAt'>): { message: ReceivedMessage; duplicate: boolean } {
    const key = `${message.channel}/${message.clientReference}`;
    const known = this.byReference.get(key);
    if (known) {
      known.requests += 1;
      return { message: known, duplicate: true };
    }
    const stored: ReceivedMessage = { ...message, providerMessageId: randomUUID(), requests: 1, receivedAt: new Date().toISOString() };
    this.messages.push(stored);
    this.byReference.set(key, stored);
    return { message: stored, duplicate: false };
  }

  find(filter: { channel?: string; to?: string; since?: string }): ReceivedMessage[] {
    return this.messages.filter(
      (message) =>
        (!filter.channel || message.channel === filter.channel) &&
        (!filter.to || message.to === filter.to) &&
        (!filter.since || message.receivedAt >= filter.since),
    );
  }

  count(): Record<StandInChannel, number> {
    const counts = { sms: 0, zalo: 0, email: 0 };
    for (const message of this.messages) counts[message.channel] += 1;
    return counts;
  }

  clear(): void {
    this.messages.length = 0;
    this.byReference.clear();
  }
}
