import { errorBody, errorResponses } from './common';
import { jsonSchemaOf } from './jsonSchema';
import { authApi } from './auth';
import { tenancyApi } from './tenancy';
import { patientsApi } from './patients';
import { schedulingApi } from './scheduling';
import { queueApi } from './queue';
import { notificationsApi } from './notifications';
import { visitsApi } from './visits';
import { visitAttachmentsApi } from './visitAttachments';
import { referralsApi } from './referrals';
import { stockApi } from './stock';
import { inventoryApi } from './inventory';
import { stockReportsApi } from './stockReports';
import { pharmacyApi } from './pharmacy';
import { purchasingApi } from './purchasing';
import { billingApi } from './billing';
import { stockOpsApi } from './stockOps';
import { metaApi } from './meta';
import type { ApiContribution, Method, PathItem } from './types';
import { operationAccess } from './access';
import type { JsonSchema } from './jsonSchema';

/**
 * Each domain contributes its own paths and schemas; a new domain adds its module here. The
 * order is the order of the tags in the document.
 */
export const contributions: ApiContribution[] = [
	authApi,
	tenancyApi,
	patientsApi,
	schedulingApi,
	queueApi,
	visitsApi,
	visitAttachmentsApi,
	referralsApi,
	pharmacyApi,
	stockApi,
	inventoryApi,
	stockReportsApi,
	purchasingApi,
	billingApi,
	stockOpsApi,
	notificationsApi,
	metaApi
];

export const API_BASE = '/api/v1';
/** The document's own version: bump the minor for additions, the major never within /api/v1. */
export const API_VERSION = '1.0.0';

/** The OpenAPI 3.1 document served at /api/v1/openapi.json. Paths are relative to the server URL. */
export function openApiDocument() {
	const paths: Record<string, PathItem> = {};
	const schemas: Record<string, JsonSchema> = { Error: jsonSchemaOf(errorBody, 'output') };
	for (const part of contributions) {
		for (const [path, item] of Object.entries(part.paths)) {
			if (paths[path]) throw new Error(`OpenAPI: ${path} is contributed twice`);
			paths[path] = withAccess(item);
		}
		for (const [name, schema] of Object.entries(part.schemas)) {
			if (schemas[name]) throw new Error(`OpenAPI: schema ${name} is contributed twice`);
			schemas[name] = schema;
		}
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'Tabeeb API',
			version: API_VERSION,
			description:
				'The JSON API of Tabeeb, an open-source clinic operating system. Authenticate with the `session` cookie set by ' +
				'`POST /auth/login`, or send its token as `Authorization: Bearer <token>`. Request bodies are JSON, at most 64 KB. ' +
				'Errors are `{"error": {"code", "message", "field?", "fields"}}`: `fields` names every field\u2019s problem at once, each ' +
				'with its own specific `code` and `message`; `code`, `message` and `field` at the top describe the first of them. ' +
				'Every `message` is in the language of the PARAGLIDE_LOCALE cookie or Accept-Language (English or Urdu).'
		},
		servers: [{ url: API_BASE }],
		tags: contributions.map((c) => c.tag),
		security: [{ sessionCookie: [] }, { bearerToken: [] }],
		paths,
		components: {
			schemas,
			responses: errorResponses,
			securitySchemes: {
				sessionCookie: { type: 'apiKey', in: 'cookie', name: 'session', description: 'Set by POST /auth/login.' },
				bearerToken: { type: 'http', scheme: 'bearer', description: 'The `token` returned by POST /auth/login.' }
			}
		}
	};
}

const METHODS: Method[] = ['get', 'put', 'post', 'delete', 'patch'];

/** Each operation with its `x-tabeeb-access` declaration (openapi/access.ts); one without stays bare, and the access test fails on it. */
function withAccess(item: PathItem): PathItem {
	const out: PathItem = { ...item };
	for (const method of METHODS) {
		const operation = item[method];
		const access = operation ? operationAccess[operation.operationId] : undefined;
		if (operation && access) out[method] = { ...operation, 'x-tabeeb-access': access };
	}
	return out;
}
