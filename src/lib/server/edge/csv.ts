import type { CsvFile } from '../pharmacy/inventoryCsv';

/** A CSV download: UTF-8, named for the browser, never cached (it holds the clinic's stock). */
export function csvResponse(file: CsvFile): Response {
	return new Response(file.body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
			'cache-control': 'no-store'
		}
	});
}
