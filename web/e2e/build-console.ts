import { buildWebIfStale } from '../scripts/build-if-stale.mjs';

/** Global setup: the gateway serves web/dist only when it exists at start, so build it first if stale. */
export default function setup() {
  buildWebIfStale();
}
