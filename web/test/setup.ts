import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// Testing Library unmounts automatically only with vitest globals; this project imports explicitly.
afterEach(() => cleanup());
