import { classifySmsGatewayAnswer, classifySmsGatewayCode, SMS_GATEWAY_CODES } from './sms-gateway.provider';
import { classifySmtpReply } from './smtp-email.provider';
import { classifyZaloAnswer, ZALO_ERRORS } from './zalo-oa.provider';
import { retryAfterMs } from './notice-provider';

describe('what providers\' answers mean for a notice', () => {
  it('gives every SMS gateway code an outcome', () => {
    const outcomes = Object.fromEntries(SMS_GATEWAY_CODES.map((code) => [code, classifySmsGatewayCode(code)]));
    expect(outcomes).toEqual({
      ACCEPTED: 'accepted',
      RATE_LIMITED: 'rate_limited',
      SERVICE_UNAVAILABLE: 'retryable',
      INTERNAL_ERROR: 'retryable',
      UNAUTHORIZED: 'retryable',
      BRANDNAME_NOT_REGISTERED: 'retryable',
      INVALID_PHONE: 'terminal',
      SUBSCRIBER_BLOCKED: 'terminal',
      CONTENT_TOO_LONG: 'terminal',
      INVALID_REQUEST: 'terminal',
    });
  });

  it('judges an SMS code it does not know by the HTTP status', () => {
    expect(classifySmsGatewayAnswer(502, undefined)).toBe('retryable');
    expect(classifySmsGatewayAnswer(429, 'SLOW_DOWN')).toBe('rate_limited');
    expect(classifySmsGatewayAnswer(410, 'NUMBER_PORTED_AWAY')).toBe('terminal');
    expect(classifySmsGatewayAnswer(202, 'QUEUED')).toBe('accepted');
  });

  it('reads Zalo\'s error numbers inside HTTP 200, and its gateway errors', () => {
    expect(classifyZaloAnswer(200, ZALO_ERRORS.SUCCESS)).toBe('accepted');
    expect(classifyZaloAnswer(200, ZALO_ERRORS.RATE_LIMITED)).toBe('rate_limited');
    expect(classifyZaloAnswer(200, ZALO_ERRORS.USER_NOT_FOLLOWER)).toBe('terminal');
    expect(classifyZaloAnswer(200, ZALO_ERRORS.USER_INACTIVE)).toBe('terminal');
    expect(classifyZaloAnswer(200, ZALO_ERRORS.ACCESS_TOKEN_INVALID)).toBe('retryable');
    expect(classifyZaloAnswer(200, -999)).toBe('retryable');
    expect(classifyZaloAnswer(503, undefined)).toBe('retryable');
  });

  it('follows SMTP reply classes, with 421 4.7.0 as a request to slow down', () => {
    expect(classifySmtpReply(250, '250 2.0.0 OK')).toBe('accepted');
    expect(classifySmtpReply(421, '421 4.7.0 Too many messages, slow down')).toBe('rate_limited');
    expect(classifySmtpReply(421, '421 4.3.2 Service shutting down')).toBe('retryable');
    expect(classifySmtpReply(451, '451 4.3.0 Local error')).toBe('retryable');
    expect(classifySmtpReply(550, '550 5.1.1 Mailbox unavailable')).toBe('terminal');
  });

  it('reads Retry-After in seconds or as a date, within bounds', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs(null)).toBe(1_000);
    expect(retryAfterMs('3600')).toBe(60_000);
    expect(retryAfterMs('soon')).toBe(1_000);
  });
});
