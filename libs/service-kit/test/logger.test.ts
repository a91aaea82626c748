import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';

describe('createLogger', () => {
  // Lines are JSON with the service name; tokens and passwords never appear in clear.
  it('writes JSON with the service name and redacts secrets', () => {
    const lines: string[] = [];
    const logger = createLogger({
      name: 'accounts',
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    logger.info(
      { req: { headers: { authorization: 'Bearer secret-token' } }, user: { email: 'a@b.c', password: 'hunter2' } },
      'signed in',
    );
    logger.debug('not at info');

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line).toMatchObject({ service: 'accounts', msg: 'signed in', user: { email: 'a@b.c' } });
    expect(lines[0]).not.toContain('secret-token');
    expect(lines[0]).not.toContain('hunter2');
  });
});
