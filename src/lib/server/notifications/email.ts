import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export type EmailAttachment = { filename: string; content: string; contentType: string };

export type EmailMessage = { to: string; subject: string; text: string; html: string; lang: 'en' | 'ur'; attachments: EmailAttachment[] };

/** `logged`: no SMTP server is configured, so the message went to the log instead. */
export type EmailOutcome = 'sent' | 'logged';

export type Mailer = { send(message: EmailMessage): Promise<EmailOutcome>; close(): void };

/**
 * Outgoing mail. With an SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`) messages go to
 * that server over a small connection pool; without one they are written to the log at info,
 * so a clinic on one computer still sees what would have been sent.
 */
export function createMailer(options: { smtpUrl?: string; from: string; log: Logger }): Mailer {
	const { smtpUrl, from, log } = options;
	if (!smtpUrl) {
		return {
			send: async (message) => {
				log.info(
					{ to: message.to, subject: message.subject, text: message.text, attachments: message.attachments.map((a) => a.filename) },
					'email (no SMTP_URL: logged, not sent)'
				);
				return 'logged';
			},
			close: () => {}
		};
	}
	// Timeouts well inside the outbox's claim, so a hung server fails the attempt instead of holding it.
	const transport: Transporter = nodemailer.createTransport(
		{ url: smtpUrl, pool: true, maxConnections: 3, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 },
		{ from }
	);
	return {
		send: async (message) => {
			await transport.sendMail({
				to: message.to,
				subject: message.subject,
				text: message.text,
				html: message.html,
				attachments: message.attachments,
				headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': message.lang }
			});
			return 'sent';
		},
		close: () => transport.close()
	};
}
