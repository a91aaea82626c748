import { backendProject } from '../../vitest.shared.ts';

// `npm run bench -- notifications` (or `npx vitest bench --run --project @provisio/notifications`) runs bench/.
export default backendProject({ benchmark: { include: ['bench/**/*.bench.ts'] } });
