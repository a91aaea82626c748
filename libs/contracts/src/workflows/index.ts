export { workflowTaskStarted, type WorkflowTaskStarted } from './task-started.js';
export { workflowRunStarted, type WorkflowRunStarted } from './run-started.js';
export { workflowRunCompleted, type WorkflowRunCompleted } from './run-completed.js';
export { workflowRunCancelled, type WorkflowRunCancelled } from './run-cancelled.js';
export { workflowTaskOverdue, type WorkflowTaskOverdue } from './task-overdue.js';
