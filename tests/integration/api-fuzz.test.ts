import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, signedIn, startApp, type ApiClient, type ApiResponse, type App } from './http';
import { PASSWORD, makeClinic, makeMember, makeUser, rand } from '../factories';
import { operationsOf, variantsOf, type Fixture, type Operation, type Variant } from './fuzz';
import { clinicToday } from '../../src/lib/time';

/**
 * Every operation of openapi.json, sent hostile variants of a plausible request (see fuzz.ts).
 * No answer may be a 5xx or anything but a JSON error; a variant the API must refuse is refused
 * and leaves what the API shows (members, patients, appointments, queue, rooms…) as it was.
 */

const TZ = 'Asia/Karachi';
let app: App;
let admin: ApiClient;
let patientUser: ApiClient;
let operations: Operation[];
const fx: Fixture = { values: {}, day: '', instant: '' };
/** The id a `{id}` in each path family names. */
const ids: Record<string, string> = {};

const key = () => `fuzz-${rand(8)}`;

beforeAll(async () => {
	const emails: Record<string, string> = {};
	let code = '';
	let doctorId = '';
	app = await startApp({
		seed: async (db) => {
			const clinic = await makeClinic(db, { timezone: TZ });
			code = clinic.code;
			emails.admin = (await makeMember(db, clinic.id, 'admin')).email;
			doctorId = (await makeMember(db, clinic.id, 'doctor')).id;
			emails.patient = (await makeUser(db, { kind: 'patient' })).email;
		}
	});
	[admin, patientUser] = await Promise.all([signedIn(app, emails.admin, PASSWORD), signedIn(app, emails.patient, PASSWORD)]);
	for (const client of [admin, patientUser]) client.headers.origin = app.url;
	const base = `/api/v1/clinics/${code}`;
	const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
	const ok = async (res: Promise<ApiResponse>) => {
		const done = await res;
		if (done.status >= 300) throw new Error(`Fixture request failed: ${done.status} ${done.text}`);
		return done.body as Record<string, unknown>;
	};
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:30', slotMinutes: 30 }));
	await ok(admin.put(`${base}/doctors/${doctorId}/availability`, { weekly }));
	const patient = await ok(admin.post(`${base}/patients`, { name: 'Fuzz Patient', age: 40, allowDuplicate: true }));
	const other = await ok(admin.post(`${base}/patients`, { name: 'Fuzz Other', age: 30, allowDuplicate: true }));
	const room = await ok(admin.post(`${base}/rooms`, { name: `Room ${rand(2)}` }));
	const displayKey = await ok(admin.post(`${base}/display-keys`, { name: 'Fuzz lobby' }));
	const slots = (await ok(admin.get(`${base}/slots?doctor=${doctorId}&date=${day}`))).slots as { start: string }[];
	const appointment = await ok(admin.post(`${base}/appointments`, { patientId: patient.id, doctorId, start: slots[0].start, idempotencyKey: key() }));
	const waiting = await ok(admin.post(`${base}/waitlist`, { patientId: other.id, doctorId }));
	const token = await ok(admin.post(`${base}/queue/check-in`, { patientId: other.id, idempotencyKey: key() }));
	Object.assign(fx, {
		day,
		instant: slots[1].start,
		values: {
			code,
			clinic: code,
			userId: doctorId,
			doctor: doctorId,
			doctorId,
			patientId: String(patient.id),
			mergeId: String(other.id),
			roomId: String(room.id),
			appointmentId: String(appointment.id),
			currentAppointmentId: String(appointment.id),
			tokenId: String(tokenIdOf(token)),
			date: day,
			password: 'a long enough password',
			idempotencyKey: key()
		}
	});
	Object.assign(ids, { patients: patient.id, appointments: appointment.id, waitlist: waitingIdOf(waiting), 'display-keys': displayKey.id, rooms: room.id });
	operations = operationsOf((await admin.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> });
}, 180_000);
afterAll(async () => {
	await app?.stop();
});

function tokenIdOf(body: Record<string, unknown>): unknown {
	return (body.token as Record<string, unknown> | undefined)?.id ?? body.id;
}

function waitingIdOf(body: Record<string, unknown>): unknown {
	return (body.entry as Record<string, unknown> | undefined)?.id ?? body.id;
}

/** The fixture with `{id}` naming a real thing of the path's family (`/clinics/{code}/rooms/{id}` → the room). */
function fixtureFor(op: Operation): Fixture {
	const family = /\/(\w[\w-]*)\/\{id\}/.exec(op.path)?.[1] ?? '';
	return { ...fx, values: { ...fx.values, id: ids[family] ?? '00000000-0000-4000-8000-000000000000' } };
}

/** The queue's estimates move with the clock, not with requests. */
const CLOCK_FIELDS = new Set(['estimatedCallAt', 'waitMinutes']);
const withoutClock = (body: unknown): unknown => JSON.parse(JSON.stringify(body ?? null, (key, value: unknown) => (CLOCK_FIELDS.has(key) ? undefined : value)));

/** What the API shows of the clinic and the patient account; a refused request leaves it as it was. */
async function snapshot(): Promise<unknown[]> {
	const base = `/api/v1/clinics/${fx.values.code}`;
	const staffViews = [
		`${base}/members`,
		`${base}/patients?limit=50`,
		`${base}/patients/${ids.patients}`,
		`${base}/appointments?date=${fx.day}`,
		`${base}/waitlist`,
		`${base}/queue`,
		`${base}/display-keys`,
		`${base}/rooms`
	];
	const patientViews = ['/api/v1/me/appointments', '/api/v1/me/links', '/api/v1/me/push-subscriptions'];
	const read = (client: ApiClient, path: string) => client.get(path).then((r) => ({ path, status: r.status, body: withoutClock(r.body) }));
	return Promise.all([...staffViews.map((p) => read(admin, p)), ...patientViews.map((p) => read(patientUser, p))]);
}

/**
 * The patient's booking screen reads its query as choices: an unknown clinic, doctor or day falls
 * back to the first one offered (nothing is looked up by it), so it answers 200 rather than refusing.
 */
const tolerant = (op: Operation, v: Variant) => op.path === '/me/booking-options' && v.label.startsWith('query');

/** Logging out would end the session every other request uses; its refusals are covered by api-auth. */
const skipped = (op: Operation) => op.path === '/auth/logout';

async function send(op: Operation, v: Variant): Promise<ApiResponse> {
	const client = op.path.startsWith('/me') ? patientUser : admin;
	const headers = v.contentType ? { 'content-type': v.contentType } : undefined;
	return client.request(op.method, v.path, { body: v.body, headers });
}

/** A failure message naming the request, so a broken variant can be replayed by hand. */
const described = (op: Operation, v: Variant, res: ApiResponse) => `${op.method} ${op.path} with ${v.label} → ${res.status} ${res.text.slice(0, 200)}`;

/** What is wrong with an answer: a 5xx, an error that is not JSON, or a must-refuse variant let through. */
function problemsOf(op: Operation, v: Variant, res: ApiResponse): string[] {
	if (res.status >= 500) return [`5xx: ${described(op, v, res)}`];
	if (res.status < 400) return v.mustRefuse && !tolerant(op, v) ? [`accepted: ${described(op, v, res)}`] : [];
	// SvelteKit answers these before any route; JSON once src/hooks.server.ts runs apiRefusalsAsJson (edge/refusals.ts).
	if (v.malformedPath) return res.status === 400 ? [] : [`not refused as malformed: ${described(op, v, res)}`];
	const json = /^application\/json/.test(res.headers.get('content-type') ?? '');
	const message = (res.body as { error?: { message?: unknown } } | undefined)?.error?.message;
	return json && typeof message === 'string' && message.trim() ? [] : [`not a JSON error: ${described(op, v, res)}`];
}

describe('every operation of openapi.json under hostile input', () => {
	it('is fuzzed (the document lists the operations this test drives)', () => {
		expect(operations.filter((op) => !skipped(op)).length).toBeGreaterThan(50);
	});

	it('refuses what it must with a JSON 4xx and changes nothing; never answers 5xx', async () => {
		const problems: string[] = [];
		let shown = await snapshot();
		for (const [i, op] of operations.filter((o) => !skipped(o)).entries()) {
			const variants = variantsOf(op, fixtureFor(op), i * 7);
			for (const v of variants.filter((x) => x.mustRefuse)) problems.push(...problemsOf(op, v, await send(op, v)));
			// A GET changes nothing whatever it is sent; every other operation is checked.
			if (op.method !== 'GET') {
				const after = await snapshot();
				const changed = after.findIndex((view, n) => JSON.stringify(view) !== JSON.stringify(shown[n]));
				if (changed >= 0)
					problems.push(
						`changed state: ${op.method} ${op.path} changed ${JSON.stringify(after[changed]).slice(0, 300)} (was ${JSON.stringify(shown[changed]).slice(0, 300)})`
					);
				shown = after;
			}
			let accepted = false;
			for (const v of variants.filter((x) => !x.mustRefuse)) {
				const res = await send(op, v);
				accepted ||= res.status < 300;
				problems.push(...problemsOf(op, v, res));
			}
			// Accepted variants may change things (a record registered without an address); start again from what is shown now.
			if (accepted && op.method !== 'GET') shown = await snapshot();
		}
		expect(problems).toEqual([]);
	}, 600_000);
});

describe('the cases the adversarial run found', () => {
	const base = () => `/api/v1/clinics/${fx.values.code}`;

	it('refuses a NUL byte in the login email, a search and a path with a 4xx, not a 500', async () => {
		const login = await app.client().post('/api/v1/auth/login', { email: 'admin\u0000@example.test', password: PASSWORD });
		expect({ status: login.status, code: errorOf(login).code, field: errorOf(login).field }).toEqual({ status: 400, code: 'field_invalid', field: 'email' });
		const search = await admin.get(`${base()}/patients?q=Fuzz%00`);
		expect({ status: search.status, code: errorOf(search).code, field: errorOf(search).field }).toEqual({ status: 400, code: 'field_invalid', field: 'q' });
		const path = await admin.get(`/api/v1/clinics/${fx.values.code}%00/patients`);
		expect({ status: path.status, code: errorOf(path).code }).toEqual({ status: 404, code: 'not_found' });
	});

	it('refuses lone surrogates in names and reasons with field_invalid naming the field and saying why, in English and Urdu', async () => {
		const room = await admin.post(`${base()}/rooms`, { name: 'Room \uD800' });
		expect({ status: room.status, code: errorOf(room).code, field: errorOf(room).field }).toEqual({ status: 400, code: 'field_invalid', field: 'name' });
		expect(errorOf(room).message).toMatch(/cannot be saved/);
		const urdu = await admin.post(`${base()}/closures`, { date: fx.day, reason: 'Eid \uDC00' }, { headers: { 'accept-language': 'ur' } });
		expect({ status: urdu.status, code: errorOf(urdu).code, field: errorOf(urdu).field }).toEqual({ status: 400, code: 'field_invalid', field: 'reason' });
		expect(errorOf(urdu).message).toMatch(/[\u0600-\u06FF]/);
		// Escaped in the JSON text, in a field no schema reads: still refused.
		const hidden = await admin.request('PUT', `${base()}/doctors/${fx.values.userId}/profile`, {
			body: '{"specialization":"GP","x":"\\udc00"}',
			headers: { 'content-type': 'application/json' }
		});
		expect({ status: hidden.status, code: errorOf(hidden).code, field: errorOf(hidden).field }).toEqual({ status: 400, code: 'field_invalid', field: 'x' });
	});

	it.each(['0000-01-01', '9999-12-31', '1899-12-31', '2201-01-01'])('refuses the day %s for closures and day views', async (day) => {
		const closure = await admin.post(`${base()}/closures`, { date: day, reason: 'Far away' });
		expect({ status: closure.status, field: errorOf(closure).field }).toEqual({ status: 400, field: 'date' });
		expect((await admin.get(`${base()}/appointments?date=${day}`)).status).toBe(400);
		expect((await admin.get(`${base()}/queue?date=${day}`)).status).toBe(400);
	});

	it.each([
		['null', null],
		['an empty array', []],
		['true', true],
		['a word', 'forty']
	])('refuses an age of %s and keeps the birth date', async (_case, age) => {
		const before = (await admin.get(`${base()}/patients/${ids.patients}`)).body as { dateOfBirth: string };
		const res = await admin.patch(`${base()}/patients/${ids.patients}`, { age });
		expect({ status: res.status, field: errorOf(res).field }).toEqual({ status: 400, field: 'age' });
		expect(((await admin.get(`${base()}/patients/${ids.patients}`)).body as { dateOfBirth: string }).dateOfBirth).toBe(before.dateOfBirth);
	});

	it('takes an empty age as no age: the birth date stays', async () => {
		const before = (await admin.get(`${base()}/patients/${ids.patients}`)).body as { dateOfBirth: string };
		expect((await admin.patch(`${base()}/patients/${ids.patients}`, { age: '' })).status).toBe(200);
		expect(((await admin.get(`${base()}/patients/${ids.patients}`)).body as { dateOfBirth: string }).dateOfBirth).toBe(before.dateOfBirth);
	});

	it.each(['-'.repeat(36), '0'.repeat(36)])('answers an id of %s with 404, not a database error', async (id) => {
		for (const path of [`${base()}/patients/${id}`, `${base()}/appointments/${id}.ics`]) {
			const res = await admin.get(path);
			expect({ status: res.status, code: errorOf(res).code }).toEqual({ status: 404, code: 'not_found' });
		}
		const waitlist = await admin.request('DELETE', `${base()}/waitlist/${id}`);
		expect(waitlist.status).toBe(404);
		const room = await admin.patch(`${base()}/rooms/${id}`, { name: 'Room 9' });
		expect(room.status).toBe(404);
	});
});
