import { v5 as uuidv5 } from 'uuid';

export const ENTITLEMENT_STATUSES = ['awaiting_claim', 'awaiting_approval', 'in_flight', 'paid', 'held', 'cancelled'] as const;
export type EntitlementStatus = (typeof ENTITLEMENT_STATUSES)[number];

/**
 * Where an entitlement may go from where it is. Paid and cancelled are final; held waits for an
 * officer, who releases it (back in flight on another channel) or cancels it with a reason.
 */
const ALLOWED: Record<EntitlementStatus, readonly EntitlementStatus[]> = {
  // a funeral support waits for an officer to record who organises the funeral and is paid
  awaiting_claim: ['awaiting_approval', 'cancelled'],
  awaiting_approval: ['in_flight', 'held', 'cancelled'],
  in_flight: ['paid', 'held'],
  // a late settlement of a payout held because the bank never answered: the money did move
  held: ['in_flight', 'paid', 'cancelled'],
  paid: [],
  cancelled: [],
};

export function canMove(from: EntitlementStatus, to: EntitlementStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function isFinal(status: EntitlementStatus): boolean {
  return ALLOWED[status].length === 0;
}

/** Fixed namespace of AnSinh instruction ids (UUID v5): changing it would change every instruction id. */
const INSTRUCTION_NAMESPACE = '6f1c9b52-3a0e-5d47-9b8e-2c4a7d1e0f35';

/**
 * The instruction id of an attempt: the same entitlement and attempt number always give the same id,
 * so a resend, a restart or a replay can never mint a second instruction for one attempt.
 */
export function instructionIdFor(entitlementId: string, attemptNumber: number): string {
  return uuidv5(`${entitlementId}/${attemptNumber}`, INSTRUCTION_NAMESPACE);
}
