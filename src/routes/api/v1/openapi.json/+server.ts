import { json } from '@sveltejs/kit';
import { methodNotAllowed } from '$lib/server/edge/api';
import { openApiDocument } from '$lib/server/openapi/document';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });

export const fallback = methodNotAllowed('GET');
