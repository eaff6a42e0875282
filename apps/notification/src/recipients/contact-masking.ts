/**
 * How contact details appear to anyone but the provider that delivers the message: the delivery log
 * an officer reads, the audit trail, dashboards. The same shapes the log redactor uses.
 */
export function maskPhone(phone: string): string {
  return phone.length <= 3 ? '***' : '*'.repeat(phone.length - 3) + phone.slice(-3);
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

export function maskZaloUserId(userId: string): string {
  return maskPhone(userId);
}

export function maskAddress(channel: 'sms' | 'zalo' | 'email', address: string): string {
  if (channel === 'email') return maskEmail(address);
  return channel === 'sms' ? maskPhone(address) : maskZaloUserId(address);
}
