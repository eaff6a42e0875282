import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { MessageLogService } from './message-log.service';
import { ProviderBehaviourService } from './provider-behaviour.service';

/** An SMTP reply as smtp-server sends it: the code is the error's responseCode. */
function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

function parseReply(configured: string | null): Error {
  const match = /^([45]\d\d) (.*)$/.exec(configured ?? '');
  return match ? reply(Number(match[1]), match[2]) : reply(451, '4.3.0 Requested action aborted: local error in processing');
}

/**
 * A mail relay: accepts messages over SMTP (no STARTTLS, no authentication: loopback only), keeps one
 * copy per Message-ID as mailboxes do, and misbehaves on demand with real SMTP replies.
 */
export class SmtpSink {
  private readonly server: SMTPServer;

  constructor(
    private readonly log: MessageLogService,
    private readonly behaviour: ProviderBehaviourService,
  ) {
    this.server = new SMTPServer({
      banner: 'AnSinh stand-in mail relay',
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: 1_000_000,
      logger: false,
      onConnect: (_session, callback) => {
        // during a full outage the relay turns connections away, as a relay in maintenance does;
        // an outage scoped to some addresses is answered per recipient (onRcptTo)
        const { outage, scope } = this.behaviour.get('email');
        callback(outage && scope.length === 0 ? reply(421, '4.3.2 Service not available, closing transmission channel') : null);
      },
      onRcptTo: (address, _session, callback) => {
        const verdict = this.behaviour.judge('email', address.address);
        if (verdict.kind === 'rate_limited') return callback(reply(421, '4.7.0 Too many messages, slow down'));
        if (verdict.kind === 'outage') return callback(reply(421, '4.3.2 Service not available'));
        if (verdict.kind === 'fail') return callback(parseReply(verdict.code));
        if (verdict.kind === 'reject') return callback(reply(550, '5.1.1 Mailbox unavailable'));
        callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            const to = session.envelope.rcptTo.map((recipient) => recipient.address).join(', ');
            const { message } = this.log.accept({
              channel: 'email',
              to,
              subject: mail.subject ?? null,
              text: (mail.text ?? '').replace(/\n$/, ''),
              clientReference: mail.messageId ?? `${Date.now()}-${Math.random()}`,
            });
            await this.behaviour.delay('email');
            callback(null, `2.0.0 Ok: queued as ${message.providerMessageId}`);
          })
          .catch(() => callback(reply(554, '5.6.0 Message could not be parsed')));
      },
    });
    this.server.on('error', () => undefined);
  }

  listen(port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, host, () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
