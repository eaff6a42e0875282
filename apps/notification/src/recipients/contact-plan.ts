/** The channels a notice can travel on. Persisted in rows and job data: DO NOT CHANGE THE VALUES. */
export const NOTICE_CHANNELS = ['sms', 'zalo', 'email'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export interface ContactDetails {
  /** From the population registry via the registration event; may be missing. */
  phone: string | null;
  preference: { channels: NoticeChannel[]; email: string | null; zaloUserId: string | null } | null;
}

export interface PlannedChannel {
  channel: NoticeChannel;
  address: string;
}

/**
 * The channels to try, in order: the beneficiary's preference, then SMS to the registry phone as the
 * last resort (as cash is for payments), so a notice is never dropped while some way to reach the
 * person is known. A channel without an address is skipped. Without a preference: SMS if there is a phone.
 */
export function contactPlan(contact: ContactDetails): PlannedChannel[] {
  const addressOf = (channel: NoticeChannel): string | null => {
    if (channel === 'sms') return contact.phone;
    if (channel === 'email') return contact.preference?.email ?? null;
    return contact.preference?.zaloUserId ?? null;
  };
  const order: NoticeChannel[] = [...(contact.preference?.channels ?? []), 'sms'];
  const plan: PlannedChannel[] = [];
  for (const channel of order) {
    const address = addressOf(channel);
    if (address && !plan.some((planned) => planned.channel === channel)) plan.push({ channel, address });
  }
  return plan;
}
