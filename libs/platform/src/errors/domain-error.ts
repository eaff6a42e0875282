/**
 * What went wrong, in terms the caller can act on. `code` is stable (`CONTEXT.REASON`) and safe to
 * branch on; `message` is Vietnamese, for the officer reading it. Services throw these, never HTTP
 * exceptions: the one global filter decides the status code from `kind`.
 */
export type DomainErrorKind = 'validation' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const HTTP_STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
};
