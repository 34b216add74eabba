/** The app's one store, wired to the real client and localStorage, plus the hook components use. */
import { useStore } from 'zustand';
import { getClient } from '../ipc/client.js';
import { createFrost } from './store.js';
import type { FrostState } from './types.js';

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const frost = createFrost({ client: getClient(), storage: localStorageOrNull() });

export const actions = frost.actions;
export const store = frost.store;

/** Reads one narrow slice of the state; re-renders only when that value changes. */
export function useFrost<T>(selector: (s: FrostState) => T): T {
  return useStore(frost.store, selector);
}
