/**
 * The only bridge between the page and the main process: exactly one function per channel of
 * shared/ipc/contract.ts (no generic `invoke`), plus subscriptions to the main process's
 * events. Runs sandboxed, so it is CommonJS and imports nothing but electron.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';

// Kept in step with CHANNELS / APP_EVENTS in shared/ipc/contract.ts (a test checks it):
// a sandboxed preload cannot import project modules.
const CHANNELS = ['app:info', 'source:open', 'source:close', 'graph:get', 'tensor:get', 'tensor:npy', 'recent:list', 'source:verify', 'freeze:suggest', 'freeze:run', 'freeze:preview', 'freeze:verify', 'freeze:save', 'freeze:open', 'diff:run', 'job:cancel'] as const;
const APP_EVENTS = ['app:open-path', 'app:command'] as const;

const api: Record<string, unknown> = {};
for (const channel of CHANNELS) {
  api[channel] = (req: unknown) => ipcRenderer.invoke(channel, req);
}
api['onProgress'] = (listener: (e: unknown) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on('job:progress', wrapped);
  return () => ipcRenderer.removeListener('job:progress', wrapped);
};
api['on'] = (event: string, listener: (payload: unknown) => void) => {
  if (!(APP_EVENTS as readonly string[]).includes(event)) throw new Error(`Unknown Frost event ${event}`);
  const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => ipcRenderer.removeListener(event, wrapped);
};
api['pathForFile'] = (file: File) => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('frost', api);

export {};
