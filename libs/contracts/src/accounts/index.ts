export { accountStatusChanged, type AccountStatusChanged } from './account-status-changed.js';
export { taskRequestsApplied, type TaskRequestsApplied } from './task-requests-applied.js';
