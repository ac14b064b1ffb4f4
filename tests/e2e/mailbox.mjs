#!/usr/bin/env node
// The e2e run's mail server: the app under test sends its email here (SMTP_URL), and each message
// is written as JSON (to, subject, text) into E2E_MAIL_DIR, where a spec reads what a person
// would find in their inbox. `GET /healthz` on E2E_MAIL_HTTP_PORT tells Playwright it is up.
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const dir = process.env.E2E_MAIL_DIR;
const smtpPort = Number(process.env.E2E_SMTP_PORT);
const httpPort = Number(process.env.E2E_MAIL_HTTP_PORT);
if (!dir || !smtpPort || !httpPort) throw new Error('E2E_MAIL_DIR, E2E_SMTP_PORT and E2E_MAIL_HTTP_PORT are needed');
mkdirSync(dir, { recursive: true });
let count = 0;

const smtp = new SMTPServer({
	authOptional: true,
	disabledCommands: ['STARTTLS'],
	logger: false,
	onData(stream, _session, callback) {
		simpleParser(stream)
			.then((mail) => {
				const to = [mail.to]
					.flat()
					.flatMap((a) => a?.value ?? [])
					.map((a) => a.address);
				const file = join(dir, `${Date.now()}-${++count}.json`);
				writeFileSync(file, JSON.stringify({ to, subject: mail.subject, text: mail.text ?? '' }));
				callback();
			})
			.catch(callback);
	}
});
smtp.listen(smtpPort, '127.0.0.1');
createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok')).listen(httpPort, '127.0.0.1');
