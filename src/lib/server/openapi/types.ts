import type { JsonSchema } from './jsonSchema';
import type { OperationAccess } from './access';

/** The parts of OpenAPI 3.1 that Tabeeb's document uses; the validator test checks the rest. */
export type SchemaOrRef = JsonSchema | { $ref: string };

export type MediaType = { schema: SchemaOrRef; example?: unknown };

export type Header = { description?: string; schema: SchemaOrRef };

export type Response = { description: string; headers?: Record<string, Header>; content?: Record<string, MediaType> };

export type ResponseOrRef = Response | { $ref: string };

export type Parameter = {
	name: string;
	in: 'path' | 'query' | 'header' | 'cookie';
	required?: boolean;
	description?: string;
	schema: SchemaOrRef;
};

export type Operation = {
	operationId: string;
	summary: string;
	description?: string;
	tags: string[];
	/** `[]` marks an endpoint anyone may call; otherwise the document's default (a session) applies. */
	security?: Record<string, string[]>[];
	parameters?: Parameter[];
	requestBody?: { required: boolean; content: Record<string, MediaType> };
	responses: Record<string, ResponseOrRef>;
	/** Who may call it (openapi/access.ts); added when the document is put together. */
	'x-tabeeb-access'?: OperationAccess;
};

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

export type PathItem = { parameters?: Parameter[] } & Partial<Record<Method, Operation>>;

/**
 * What one domain adds to the document: its paths (relative to /api/v1) and the named schemas
 * they reference. Each domain keeps its contribution in its own module; `document.ts` joins them.
 */
export type ApiContribution = {
	tag: { name: string; description: string };
	paths: Record<string, PathItem>;
	schemas: Record<string, JsonSchema>;
};
