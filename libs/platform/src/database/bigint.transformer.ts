import type { ValueTransformer } from 'typeorm';

/** pg returns BIGINT as a string; money stays exact as a JS bigint, never a float. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
