// npm run docs: writes docs/asyncapi.json from the event catalog and the zod schemas (libs/contracts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAsyncApi } from '@provisio/contracts';

const target = resolve(import.meta.dirname, '../docs/asyncapi.json');
writeFileSync(target, `${JSON.stringify(buildAsyncApi(), null, 2)}\n`);
console.log(`wrote ${target}`);
