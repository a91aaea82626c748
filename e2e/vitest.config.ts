import { backendProject } from '../vitest.shared.ts';

// Each file starts the whole system as real processes; they run one after another to spare the CPU.
export default backendProject({ testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false });
