import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as contracts from '../src/index.js';

const definitions = (Object.values(contracts) as unknown[]).filter(
  (value): value is { type: string; data: unknown; build: unknown } =>
    typeof value === 'object' && value !== null && 'type' in value && 'data' in value && 'build' in value,
);

describe('the AsyncAPI document', () => {
  const document = contracts.buildAsyncApi();

  // An event defined in the contracts but missing from the catalog would be undocumented.
  it('documents every event the contracts define', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(14);
    for (const definition of definitions) {
      expect(document.components.messages, definition.type).toHaveProperty([definition.type]);
      expect(document.channels, definition.type).toHaveProperty([definition.type]);
    }
  });

  // Each message carries the CloudEvent envelope with the data schema generated from zod.
  it('gives each message a payload schema with its data', () => {
    for (const [type, message] of Object.entries(document.components.messages) as [string, { payload: { schema: { properties: { type: { const: string }; data: { type?: string } } } } }][]) {
      expect(message.payload.schema.properties.type.const).toBe(type);
      expect(message.payload.schema.properties.data.type).toBe('object');
    }
    const hired = document.components.messages['hr.employee.hired'] as { payload: { schema: { properties: { data: { required: string[] } } } } };
    expect(hired.payload.schema.properties.data.required).toEqual(expect.arrayContaining(['companyId', 'employee']));
  });

  // Every event has a sender and, but for pure notifications to subscribers, a receiver in the system.
  it('names who sends and who receives each event', () => {
    for (const entry of contracts.eventCatalog) {
      const ops = Object.values(document.operations) as { action: string; channel: { $ref: string } }[];
      const mine = ops.filter((op) => op.channel.$ref === `#/channels/${entry.definition.type}`);
      expect(mine.some((op) => op.action === 'send'), entry.definition.type).toBe(true);
      expect(mine.some((op) => op.action === 'receive'), entry.definition.type).toBe(true);
    }
  });

  // The copy kept in the repository is the one the code generates (run `npm run docs` after a change).
  it('matches docs/asyncapi.json', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../docs/asyncapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
