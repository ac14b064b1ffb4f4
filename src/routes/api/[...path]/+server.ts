import { edgeErrorResponse } from '$lib/server/edge/api';
import type { RequestHandler } from './$types';

/** Anything under /api that no route serves: a JSON 404, never the HTML error page. */
export const fallback: RequestHandler = async () => edgeErrorResponse(404, 'not_found');
