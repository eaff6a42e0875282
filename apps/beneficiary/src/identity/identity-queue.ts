// Persisted in Redis: DO NOT CHANGE THE VALUES, or queued jobs are orphaned.
export const IDENTITY_QUEUE = 'beneficiary-identity';

export enum IdentityJob {
  Verify = 'verify',
  Sweep = 'sweep-unverified',
  DeathFeed = 'follow-death-feed',
}
