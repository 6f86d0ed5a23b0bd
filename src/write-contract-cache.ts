// Run by `npm run build`: stores the shipped contract parsed, for a faster start (see load-contract.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONTRACT_PATH, PARSED_CONTRACT_CACHE, contentHash } from './spec/load-contract.js';

const text = readFileSync(DEFAULT_CONTRACT_PATH, 'utf8');
writeFileSync(PARSED_CONTRACT_CACHE, JSON.stringify({ sourceHash: contentHash(text), document: parseYaml(text) as unknown }));
