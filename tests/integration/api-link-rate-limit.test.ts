import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, makeUser } from '../factories';
import { accountLinksView, linkCodeView, patientView } from '../../src/lib/server/openapi/patients';
import { LINK_ADDRESS_ATTEMPTS, LINK_ATTEMPTS } from '../../src/lib/server/patients/linkAttempts';

let app: App;
let clinicCode = '';
let reception: ApiClient;
const patientEmails: string[] = [];
const accountsNeeded = Math.ceil(LINK_ADDRESS_ATTEMPTS / (LINK_ATTEMPTS - 1)) + 2;

beforeAll(async () => {
	let receptionEmail = '';
	// The address comes from X-Forwarded-For (as behind a proxy), so one test process can call from many addresses.
	app = await startApp({
		env: { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' },
		seed: async (db) => {
			const clinic = await makeClinic(db);
			clinicCode = clinic.code;
			receptionEmail = (await makeMember(db, clinic.id, 'reception')).email;
			for (let i = 0; i < accountsNeeded; i++) patientEmails.push((await makeUser(db, { kind: 'patient' })).email);
		}
	});
	reception = await signedIn(app, receptionEmail, PASSWORD, { 'x-forwarded-for': '10.1.1.1' });
});
afterAll(async () => {
	await app?.stop();
});

/** A patient's phone: signed in from one address, sending its link codes from `address`. */
async function phone(index: number, address: string) {
	const client = await signedIn(app, patientEmails[index], PASSWORD, { 'x-forwarded-for': `10.2.2.${index + 1}` });
	return {
		link: (code: string, from = address, language = 'en') =>
			client.post('/api/v1/me/links', { code }, { headers: { 'x-forwarded-for': from, 'accept-language': language } }),
		links: async () => accountLinksView.parse((await client.get('/api/v1/me/links')).body).links
	};
}

async function issuedCode() {
	const registered = await reception.post(`/api/v1/clinics/${clinicCode}/patients`, { name: 'Maryam Noor', age: 31, allowDuplicate: true });
	expect(registered.status, registered.text).toBe(201);
	const p = patientView.parse(registered.body);
	const issued = await reception.post(`/api/v1/clinics/${clinicCode}/patients/${p.id}/link-code`);
	expect(issued.status, issued.text).toBe(201);
	return linkCodeView.parse(issued.body).code;
}

describe('link-code attempts per address', () => {
	it(`answers 429 with Retry-After after ${LINK_ADDRESS_ATTEMPTS} wrong codes from one address across accounts, even for a right code; links from elsewhere`, async () => {
		const attacker = '192.0.2.50';
		const code = await issuedCode();
		let tried = 0;
		let next = 0;
		while (tried < LINK_ADDRESS_ATTEMPTS) {
			// Each account stays below its own limit, so only the address counter trips.
			const account = await phone(next++, attacker);
			for (let i = 0; i < LINK_ATTEMPTS - 1 && tried < LINK_ADDRESS_ATTEMPTS; i++, tried++) {
				expectError(await account.link(`WXYZ-${'23456789'[tried % 8]}${'23456789'[Math.floor(tried / 8)]}22`), 400, 'link_code_invalid', 'code');
			}
		}
		const fresh = await phone(next, attacker);
		const blocked = await fresh.link(code);
		expectError(blocked, 429, 'rate_limited');
		const retryAfter = Number(blocked.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(3600);
		expect(await fresh.links()).toEqual([]);
		const urdu = await fresh.link(code, attacker, 'ur');
		expectError(urdu, 429, 'rate_limited');
		expect(urdu.text).toMatch(/[\u0600-\u06FF]/);
		// The same account on another network links: the code was not spent by the refusal.
		expect((await fresh.link(code, '198.51.100.20')).status).toBe(201);
		expect(await fresh.links()).toHaveLength(1);
	});
});
