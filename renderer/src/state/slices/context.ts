import type { FrostClient } from '../../ipc/client.js';
import type { FrostState } from '../types.js';

/** What every action gets: the store's get/set and the IPC client. */
export interface ActionContext {
  get(): FrostState;
  set(patch: Partial<FrostState>): void;
  client: FrostClient;
}
