import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startApp, type App } from './http';
import { openApiDocument } from '../../src/lib/server/openapi/document';
import { jsonSchemaOf } from '../../src/lib/server/openapi/jsonSchema';
import { clinicInput, doctorProfileInput, memberInput, setupInput } from '../../src/lib/server/tenancy/schema';
import { loginInput } from '../../src/lib/server/auth/schema';

const ROUTES = 'src/routes/api/v1';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every `+server.ts` under /api/v1 as [OpenAPI path, exported methods]: `[code]` becomes `{code}`. */
function routeFiles(dir = ROUTES): [string, string[]][] {
	return readdirSync(dir).flatMap((entry): [string, string[]][] => {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) return routeFiles(path);
		if (entry !== '+server.ts') return [];
		const route =
			'/' +
			relative(ROUTES, dir)
				.split(sep)
				.join('/')
				.replace(/\[(\w+)\]/g, '{$1}');
		const source = readFileSync(path, 'utf8');
		return [[route, METHODS.filter((m) => new RegExp(`export const ${m.toUpperCase()}\\b`).test(source))]];
	});
}

let app: App;
beforeAll(async () => {
	app = await startApp();
});
afterAll(async () => {
	await app?.stop();
});

describe('GET /api/v1/openapi.json', () => {
	it('serves an OpenAPI 3.1 document that the validator accepts', async () => {
		const res = await app.client().get('/api/v1/openapi.json');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		const validator = new Validator();
		// A string without newlines would be taken for a file name: hand it the parsed object.
		const served: Record<string, unknown> = JSON.parse(res.text);
		const result = await validator.validate(served);
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		expect(validator.version).toBe('3.1');
	});

	it('serves the document this source builds (the build is current)', async () => {
		const res = await app.client().get('/api/v1/openapi.json');
		expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
	});

	it('needs no session', async () => {
		expect((await app.client({ authorization: 'Bearer nonsense' }).get('/api/v1/openapi.json')).status).toBe(200);
	});
});

describe('the document matches the code', () => {
	const doc = openApiDocument();
	const documented: [string, string[]][] = Object.entries(doc.paths).map(([path, item]) => [path, METHODS.filter((m) => item[m] !== undefined)]);

	it('documents every route and method under /api/v1, and nothing that does not exist', () => {
		// A route parameter may stand for several documented paths (`[action]` → `/cancel`, `/confirm`).
		const routes = routeFiles().map(([route, methods]) => {
			const pattern = route.replace(/[.*+?^$()|\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
			return { route, methods, matches: (path: string) => new RegExp(`^${pattern}$`).test(path) };
		});
		const undocumented = routes.flatMap(({ route, methods, matches }) =>
			methods.filter((m) => !documented.some(([path, ms]) => matches(path) && ms.includes(m))).map((m) => `${m} ${route}`)
		);
		const unserved = documented.flatMap(([path, methods]) =>
			methods.filter((m) => !routes.some((r) => r.matches(path) && r.methods.includes(m))).map((m) => `${m} ${path}`)
		);
		expect({ undocumented, unserved }).toEqual({ undocumented: [], unserved: [] });
		expect(routes.length).toBeGreaterThanOrEqual(9);
	});

	it('declares every path parameter of every path', () => {
		for (const [path, item] of Object.entries(doc.paths)) {
			const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
			expect(
				(item.parameters ?? [])
					.filter((p) => p.in === 'path')
					.map((p) => p.name)
					.sort(),
				path
			).toEqual(inPath);
		}
	});

	it('gives every operation a unique id, a tag, a success response and an error response where it can fail', () => {
		const ids = new Set<string>();
		for (const item of Object.values(doc.paths)) {
			for (const m of METHODS) {
				const op = item[m];
				if (!op) continue;
				expect(ids.has(op.operationId), op.operationId).toBe(false);
				ids.add(op.operationId);
				expect(op.tags.length).toBeGreaterThan(0);
				expect(Object.keys(op.responses).some((s) => s.startsWith('2'))).toBe(true);
				if (op.requestBody) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '413', '415']));
				if (op.security === undefined) expect(Object.keys(op.responses)).toContain('401');
			}
		}
	});

	it('describes request bodies with the very zod schemas the commands validate with', () => {
		const bodyOf = (path: string, method: 'post' | 'put') => doc.paths[path][method]?.requestBody?.content['application/json'].schema;
		expect(bodyOf('/setup', 'post')).toEqual(jsonSchemaOf(setupInput, 'input'));
		expect(bodyOf('/auth/login', 'post')).toEqual(jsonSchemaOf(loginInput, 'input'));
		expect(bodyOf('/clinics', 'post')).toEqual(jsonSchemaOf(clinicInput, 'input'));
		expect(bodyOf('/clinics/{code}/members', 'post')).toEqual(jsonSchemaOf(memberInput, 'input'));
		expect(bodyOf('/clinics/{code}/doctors/{userId}/profile', 'put')).toEqual(jsonSchemaOf(doctorProfileInput, 'input'));
	});

	it('states the checks zod makes after trimming: required names, the code pattern, the email format', () => {
		const setup = jsonSchemaOf(setupInput, 'input');
		expect(JSON.stringify(setup)).toContain('"format":"email"');
		expect(JSON.stringify(setup)).toContain('"pattern":"^[A-Z0-9]+$"');
		expect(JSON.stringify(setup)).toContain('"minLength":1');
	});

	it('resolves every $ref', () => {
		const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|responses)\/(\w+)"/g)];
		expect(refs.length).toBeGreaterThan(10);
		for (const [, kind, name] of refs) {
			expect(kind === 'schemas' ? doc.components.schemas : doc.components.responses, `${kind}/${name}`).toHaveProperty(name);
		}
	});

	it('refuses a document the validator should reject (the check is real)', async () => {
		const { info: _info, ...broken } = structuredClone(doc);
		expect((await new Validator().validate(broken)).valid).toBe(false);
	});
});
