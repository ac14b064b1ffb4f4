import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App, type ApiResponse } from './http';
import { makeClinic, makeMember, makeSession, makeUser, middayTimeZone, rand } from '../factories';
import { ctxOf, makeAppointment, makePatient } from './queueScene';
import { installation, patient, room, displayKey, visit } from '../../src/lib/server/db/schema';
import { waitlistEntry, appointment, appointmentType } from '../../src/lib/server/db/schema/scheduling';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { clinicToday } from '../../src/lib/time';
import type { OperationAccess } from '../../src/lib/server/openapi/access';
import { eq } from 'drizzle-orm';

/**
 * Generated from the API description: every operation of openapi.json, called as every kind of
 * caller, answers as its `x-tabeeb-access` declaration says. Refusals come first for each
 * operation (they change nothing, so the fixtures are intact for them); then the callers it
 * allows, who must never be told 401 `unauthenticated` or 403 `forbidden`. No call may fail
 * with a 5xx. An operation without a declaration fails here.
 */

const CALLERS = ['nobody', 'outsider', 'otherClinicAdmin', 'patient', 'pharmacist', 'otherDoctor', 'reception', 'nurse', 'doctor', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Expectation = 'allowed' | 401 | 403 | 404;

const roleOf: Partial<Record<Caller, string>> = {
	admin: 'admin',
	doctor: 'doctor',
	otherDoctor: 'doctor',
	nurse: 'nurse',
	reception: 'reception',
	pharmacist: 'pharmacist'
};

export function expectedAnswer(access: OperationAccess, caller: Caller): Expectation {
	if ('anyone' in access) return 'allowed';
	if (caller === 'nobody') return 401;
	if ('account' in access) return 'allowed';
	if ('patientAccount' in access) return caller === 'patient' ? 'allowed' : 403;
	if ('anyClinicRoles' in access) {
		const role = caller === 'otherClinicAdmin' ? 'admin' : roleOf[caller];
		return role && access.anyClinicRoles.some((r) => r === role) ? 'allowed' : 403;
	}
	const role = roleOf[caller];
	if (!role) return 404;
	if (access.roles.some((r) => r === role)) return 'allowed';
	if (access.ownDoctor && caller === 'doctor') return 'allowed';
	return 403;
}

type Fixture = {
	code: string;
	today: string;
	tokens: Record<Exclude<Caller, 'nobody'>, string>;
	/** Extra sessions for signing out, so the callers' own stay valid. */
	spare: Record<Exclude<Caller, 'nobody'>, string>;
	ids: {
		doctor: string;
		otherDoctor: string;
		subject: string;
		patient: string;
		otherPatient: string;
		appointment: string;
		token: string;
		room: string;
		displayKey: string;
		waitlist: string;
		appointmentType: string;
		visit: string;
	};
};

let app: App;
let fx: Fixture;

beforeAll(async () => {
	app = await startApp({
		seed: async (db) => {
			await db.insert(installation).values({});
			const home = await makeClinic(db, { timezone: middayTimeZone() });
			const other = await makeClinic(db);
			const members = {
				admin: await makeMember(db, home.id, 'admin'),
				doctor: await makeMember(db, home.id, 'doctor'),
				otherDoctor: await makeMember(db, home.id, 'doctor'),
				reception: await makeMember(db, home.id, 'reception'),
				nurse: await makeMember(db, home.id, 'nurse'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				otherClinicAdmin: await makeMember(db, other.id, 'admin'),
				outsider: await makeUser(db),
				patient: await makeUser(db, { kind: 'patient' })
			};
			const subject = await makeMember(db, home.id, 'doctor');
			const tokens = {} as Fixture['tokens'];
			const spare = {} as Fixture['spare'];
			for (const [who, user] of Object.entries(members) as [keyof typeof members, { id: string }][]) {
				tokens[who] = await makeSession(db, user.id);
				spare[who] = await makeSession(db, user.id);
			}
			const mine = await makePatient(db, home.id);
			await db.update(patient).set({ userId: members.patient.id }).where(eq(patient.id, mine.id));
			const otherPatient = await makePatient(db, home.id);
			const waiting = await makePatient(db, home.id);
			const tomorrow = new Date(Date.now() + 24 * 3_600_000);
			tomorrow.setUTCMinutes(0, 0, 0);
			const requested = await makeAppointment(db, home.id, mine.id, members.doctor.id, tomorrow);
			await db.update(appointment).set({ status: 'requested' }).where(eq(appointment.id, requested.id));
			const token = await checkInPatient(db, ctxOf(home.id, members.reception.id, 'reception'), {
				patientId: waiting.id,
				doctorId: members.doctor.id,
				idempotencyKey: rand(8)
			});
			const [aRoom] = await db
				.insert(room)
				.values({ clinicId: home.id, name: `Room ${rand(2)}` })
				.returning();
			const [aKey] = await db
				.insert(displayKey)
				.values({ clinicId: home.id, name: 'Hall', keyHash: rand(16) })
				.returning();
			const [entry] = await db
				.insert(waitlistEntry)
				.values({ clinicId: home.id, patientId: otherPatient.id, doctorId: members.doctor.id, note: '' })
				.returning();
			const [aType] = await db
				.insert(appointmentType)
				.values({ clinicId: home.id, name: `Type ${rand(2)}`, minutes: 30, color: '#0e7490' })
				.returning();
			const [aVisit] = await db.insert(visit).values({ clinicId: home.id, refNo: 1, patientId: waiting.id, doctorId: members.doctor.id }).returning();
			fx = {
				code: home.code,
				today: clinicToday(home.timezone),
				tokens,
				spare,
				ids: {
					doctor: members.doctor.id,
					otherDoctor: members.otherDoctor.id,
					subject: subject.id,
					patient: mine.id,
					otherPatient: otherPatient.id,
					appointment: requested.id,
					token: token.id,
					room: aRoom.id,
					displayKey: aKey.id,
					waitlist: entry.id,
					appointmentType: aType.id,
					visit: aVisit.id
				}
			};
		}
	});
}, 120_000);
afterAll(async () => {
	await app?.stop();
});

type Json = Record<string, unknown>;
type Operation = { operationId: string; parameters?: Json[]; requestBody?: { content: Record<string, { schema: Json }> }; 'x-tabeeb-access'?: OperationAccess };

/** A path's placeholders filled with the fixture's resources: the doctor's own, so a doctor may act on them. */
function fillPath(path: string): string {
	const id = (): string => {
		if (path.startsWith('/clinics/{code}/patients/')) return fx.ids.patient;
		if (path.startsWith('/clinics/{code}/display-keys/')) return fx.ids.displayKey;
		if (path.startsWith('/clinics/{code}/rooms/')) return fx.ids.room;
		if (path.startsWith('/clinics/{code}/appointments/')) return fx.ids.appointment;
		if (path.startsWith('/clinics/{code}/waitlist/')) return fx.ids.waitlist;
		if (path.startsWith('/clinics/{code}/visits/')) return fx.ids.visit;
		if (path.startsWith('/me/appointments/')) return fx.ids.appointment;
		if (path.startsWith('/clinics/{code}/visits/')) return fx.ids.visit;
		return randomUUID();
	};
	return path
		.replace('{code}', fx.code)
		.replace('{userId}', path.startsWith('/clinics/{code}/members/') ? fx.ids.subject : fx.ids.doctor)
		.replace('{tokenId}', fx.ids.token)
		.replace('{typeId}', fx.ids.appointmentType)
		.replace('{id}', id());
}

function queryOf(op: Operation): string {
	const wanted = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
	const value = (name: string) => (name === 'date' ? fx.today : name === 'doctor' ? fx.ids.doctor : 'a');
	const query = new URLSearchParams(wanted.map((p) => [String(p.name), value(String(p.name))]));
	return wanted.length ? `?${query}` : '';
}

/** A body with every required field, filled by name where the name says which fixture it means. */
function sample(schema: Json | undefined, components: Record<string, Json>, name = ''): unknown {
	if (!schema) return {};
	if (typeof schema.$ref === 'string') return sample(components[schema.$ref.split('/').pop() ?? ''], components, name);
	const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
	if (options) return sample(options.find((o) => o.type !== 'null') ?? options[0], components, name);
	if (Array.isArray(schema.enum)) return schema.enum[0];
	if ('const' in schema) return schema.const;
	const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
	if (type === 'object') {
		const properties = (schema.properties ?? {}) as Record<string, Json>;
		const required = (schema.required ?? []) as string[];
		return Object.fromEntries(required.map((key) => [key, sample(properties[key], components, key)]));
	}
	if (type === 'array') return [];
	if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
	if (type === 'boolean') return false;
	if (/doctorId$/.test(name)) return fx.ids.doctor;
	if (/patientId$|targetId$/.test(name)) return fx.ids.otherPatient;
	if (name === 'idempotencyKey') return rand(8);
	if (schema.format === 'uuid') return randomUUID();
	if (schema.format === 'date') return fx.today;
	if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
	if (schema.format === 'email') return `someone-${rand(4)}@example.test`;
	const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
	return 'x'.repeat(Math.max(min, 1));
}

async function call(caller: Caller, method: string, path: string, op: Operation, components: Record<string, Json>): Promise<ApiResponse> {
	const token = caller === 'nobody' ? null : op.operationId === 'logout' ? fx.spare[caller] : fx.tokens[caller];
	const client = app.client(token ? { authorization: `Bearer ${token}` } : {});
	const schema = op.requestBody?.content['application/json']?.schema;
	const url = `/api/v1${fillPath(path)}${queryOf(op)}`;
	return client.request(method.toUpperCase(), url, op.requestBody ? { json: sample(schema, components) } : {});
}

const errorCode = (res: ApiResponse) => (res.body as { error?: { code?: string } } | null)?.error?.code;

describe('every operation of openapi.json answers every caller as it declares', () => {
	it('declares who may call each operation, and refuses or serves each kind of caller accordingly', async () => {
		const document = (await app.client().get('/api/v1/openapi.json')).body as {
			paths: Record<string, Record<string, Operation>>;
			components: { schemas: Record<string, Json> };
		};
		const components = document.components.schemas;
		const undeclared: string[] = [];
		const wrong: string[] = [];
		let calls = 0;
		for (const [path, item] of Object.entries(document.paths)) {
			for (const [method, op] of Object.entries(item)) {
				if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
				const access = op['x-tabeeb-access'];
				if (!access) {
					undeclared.push(op.operationId);
					continue;
				}
				const planned = CALLERS.map((caller) => ({ caller, expected: expectedAnswer(access, caller) }));
				// Refusals first: they must change nothing, so the fixtures are still there for the others.
				planned.sort((a, b) => Number(a.expected === 'allowed') - Number(b.expected === 'allowed'));
				for (const { caller, expected } of planned) {
					const res = await call(caller, method, path, op, components);
					calls++;
					const code = errorCode(res);
					const seen = `${res.status}${code ? ` ${code}` : ''}`;
					const refusedAs = (status: number) => res.status === status;
					const ok =
						res.status < 500 &&
						(expected === 'allowed'
							? !(res.status === 401 && code === 'unauthenticated') && !(res.status === 403 && code === 'forbidden')
							: refusedAs(expected));
					if (!ok) wrong.push(`${op.operationId} (${method.toUpperCase()} ${path}) as ${caller}: expected ${expected}, got ${seen}`);
				}
			}
		}
		expect(undeclared, 'operations without an x-tabeeb-access declaration').toEqual([]);
		expect(wrong).toEqual([]);
		expect(calls).toBeGreaterThan(400);
	}, 300_000);
});
