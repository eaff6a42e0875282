import { z } from 'zod';
import type { StandInChannel } from './message-log.service';

/** How one simulated provider misbehaves; tests and demos change it through POST /control. */
export const behaviourSchema = z
  .object({
    // every request fails as in an outage: 503 from the HTTP gateways, 421 from the SMTP server
    outage: z.boolean(),
    // the next N requests fail with `failWith` (then the provider recovers by itself)
    failNext: z.number().int().min(0).max(1_000_000),
    // SMS: a gateway code (SERVICE_UNAVAILABLE, INVALID_PHONE, …); Zalo: an error number (-213, …) or
    // HTTP_<status>; e-mail: an SMTP reply ("451 4.3.0 Local error")
    failWith: z.string().min(1).max(200).nullable(),
    // addresses the provider always refuses for good (unknown number, user not following the OA, no mailbox)
    reject: z.array(z.string().min(1).max(254)).max(10_000),
    latencyMs: z.number().int().min(0).max(120_000),
    // 0: unlimited; above it the provider answers "slow down" (429, Zalo -32, SMTP 421 4.7.0)
    ratePerSecond: z.number().int().min(0).max(1_000_000),
    // when not empty, the misbehaviour above (outage, failNext, quota) affects only requests to these
    // addresses, so one test's outage does not hit another client sending through the same stand-in
    scope: z.array(z.string().min(1).max(254)).max(10_000),
  })
  .strict();
export type ProviderBehaviour = z.infer<typeof behaviourSchema>;

export type Verdict = { kind: 'ok' } | { kind: 'outage' } | { kind: 'rate_limited' } | { kind: 'fail'; code: string | null } | { kind: 'reject' };

const NORMAL: ProviderBehaviour = { outage: false, failNext: 0, failWith: null, reject: [], latencyMs: 0, ratePerSecond: 0, scope: [] };

/** Built by the module's factory, with the start-up defaults of the process. */
export class ProviderBehaviourService {
  private readonly behaviours = new Map<StandInChannel, ProviderBehaviour>();
  private readonly windows = new Map<StandInChannel, { second: number; count: number }>();

  constructor(private readonly defaults: Partial<ProviderBehaviour> = {}) {
    this.reset();
  }

  reset(): void {
    for (const channel of ['sms', 'zalo', 'email'] as const) this.behaviours.set(channel, { ...NORMAL, ...this.defaults });
    this.windows.clear();
  }

  get(channel: StandInChannel): ProviderBehaviour {
    return this.behaviours.get(channel)!;
  }

  update(channel: StandInChannel, change: Partial<ProviderBehaviour>): ProviderBehaviour {
    const next = { ...this.get(channel), ...change };
    this.behaviours.set(channel, next);
    return next;
  }

  /** What the provider does with the next request to `to`, in the order a real one checks. */
  judge(channel: StandInChannel, to: string): Verdict {
    const behaviour = this.get(channel);
    if (behaviour.reject.includes(to)) return { kind: 'reject' };
    if (behaviour.scope.length > 0 && !behaviour.scope.includes(to)) return { kind: 'ok' };
    if (behaviour.ratePerSecond > 0) {
      const second = Math.floor(Date.now() / 1_000);
      const window = this.windows.get(channel);
      const current = window && window.second === second ? window : { second, count: 0 };
      current.count += 1;
      this.windows.set(channel, current);
      if (current.count > behaviour.ratePerSecond) return { kind: 'rate_limited' };
    }
    if (behaviour.outage) return { kind: 'outage' };
    if (behaviour.failNext > 0) {
      this.update(channel, { failNext: behaviour.failNext - 1 });
      return { kind: 'fail', code: behaviour.failWith };
    }
    return { kind: 'ok' };
  }

  async delay(channel: StandInChannel): Promise<void> {
    const { latencyMs } = this.get(channel);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  }
}
