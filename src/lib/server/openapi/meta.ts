import type { ApiContribution } from './types';

/** The document describes itself, so a client can find it from any copy. */
export const metaApi: ApiContribution = {
	tag: { name: 'meta', description: 'About the API itself.' },
	schemas: {},
	paths: {
		'/openapi.json': {
			get: {
				operationId: 'getOpenApiDocument',
				summary: 'This OpenAPI 3.1 document',
				tags: ['meta'],
				security: [],
				responses: { '200': { description: 'The document.', content: { 'application/json': { schema: { type: 'object' } } } } }
			}
		}
	}
};
