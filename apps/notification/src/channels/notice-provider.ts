import type { NoticeChannel } from '../recipients/contact-plan';

/** One message handed to a provider. `noticeId` is the provider's de-duplication key on every channel. */
export interface OutgoingNotice {
  noticeId: string;
  to: string;
  subject: string | null;
  text: string;
}

/**
 * What a provider's answer means for the notice, whatever the provider's own dialect:
 * - accepted: the provider took the message (or had taken it already: a de-duplicated repeat);
 * - retryable: try the same channel again later (outage, our own misconfiguration, no answer);
 * - rate_limited: the provider asks to slow down; not the message's fault, does not use up an attempt;
 * - terminal: this address will never work on this channel; go to the next channel at once.
 */
export type DeliveryOutcome = 'accepted' | 'retryable' | 'rate_limited' | 'terminal';

export interface ProviderAnswer {
  outcome: DeliveryOutcome;
  /** HTTP status or SMTP reply code, as the provider gave it; null when nothing answered. */
  providerStatus: string | null;
  providerCode: string | null;
  providerMessageId: string | null;
  /** Free text from the provider for the delivery log; never contains the address or the message. */
  detail: string | null;
  retryAfterMs: number | null;
}

/** A messaging provider behind one interface; each channel has one. */
export abstract class NoticeProvider {
  abstract readonly channel: NoticeChannel;
  /** Recorded with every attempt, so the log says which provider answered. */
  abstract readonly name: string;
  /** Never throws for a provider's refusal or silence: every outcome is an answer. */
  abstract send(notice: OutgoingNotice): Promise<ProviderAnswer>;
}

export function noAnswer(error: unknown): ProviderAnswer {
  const cause = error as { name?: string; code?: string; cause?: { code?: string } };
  const code = cause?.name === 'TimeoutError' ? 'TIMEOUT' : (cause?.cause?.code ?? cause?.code ?? 'NETWORK_ERROR');
  return { outcome: 'retryable', providerStatus: null, providerCode: code, providerMessageId: null, detail: 'no answer from the provider', retryAfterMs: null };
}

/** Retry-After in seconds (or an HTTP date), as milliseconds; a second when absent or unreadable. */
export function retryAfterMs(header: string | null): number {
  if (!header) return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(Math.max(seconds * 1_000, 100), 60_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.min(Math.max(date - Date.now(), 100), 60_000);
}

export type GatewayReply<Body> = { answered: true; status: number; headers: Headers; body: Partial<Body> } | { answered: false; answer: ProviderAnswer };

/**
 * POSTs JSON to an HTTP messaging gateway. Silence (network failure, timeout) is an answer too, so a caller
 * never has to catch; an unreadable body reads as empty and the HTTP status decides.
 */
export async function postToGateway<Body>(url: URL, headers: Record<string, string>, payload: unknown, timeoutMs: number): Promise<GatewayReply<Body>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { answered: false, answer: noAnswer(error) };
  }
  const body = (await response.json().catch(() => ({}))) as Partial<Body>;
  return { answered: true, status: response.status, headers: response.headers, body };
}
