import type { SandboxConfig } from '../config.js';
import type { Operation } from '../contract/operations.js';
import { TAGS } from '../contract/tags.js';
import { METRICS_OPERATION } from './sandbox-api/metrics.js';

/**
 * Whether the sandbox serves an operation of the contract. Without an operator token the operator
 * calls do not exist: not even a 405 tells of them; without --metrics, neither does /metrics.
 */
export function servesOperation(config: Pick<SandboxConfig, 'adminToken' | 'metrics'>): (operation: Operation) => boolean {
  return (operation) => (config.adminToken !== undefined || !operation.tags.includes(TAGS.operator)) && (config.metrics || operation.operationId !== METRICS_OPERATION);
}
