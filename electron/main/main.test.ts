// The Electron security checklist, asserted without an Electron binary: electron is mocked,
// the real main.ts runs against the mock, and what it asked Electron to do is checked.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_EVENTS, CHANNELS, type FreezeRunResult, type OpenedSource, type Result } from '../../shared/ipc/contract.js';
import { fixture } from '../../test/fixtures.js';
import { isAllowedNavigation, isTrustedSender, secureWebPreferences } from './security.js';

type Handler = (...args: unknown[]) => unknown;
const calls = vi.hoisted(() => ({
  windows: [] as { options: { webPreferences: Record<string, unknown> }; on: Map<string, Handler>; openHandler?: Handler }[],
  ipc: new Map<string, Handler>(),
  sent: [] as { channel: string; payload: unknown }[],
  headers: undefined as Handler | undefined,
  permissions: undefined as Handler | undefined,
  saveDialogs: [] as unknown[][],
  saveAnswer: { canceled: true, filePath: '' } as { canceled: boolean; filePath: string },
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: { on: (e: string, h: Handler) => void; setWindowOpenHandler: (h: Handler) => void; send: (channel: string, payload: unknown) => void; mainFrame: object };
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const record = { options, on: new Map<string, Handler>(), openHandler: undefined as Handler | undefined };
      calls.windows.push(record);
      this.webContents = {
        on: (e, h) => void record.on.set(e, h),
        setWindowOpenHandler: (h) => void (record.openHandler = h),
        send: (channel, payload) => void calls.sent.push({ channel, payload }),
        mainFrame: {},
      };
    }
    once(): void {}
    isDestroyed(): boolean {
      return false;
    }
    loadFile(): Promise<void> {
      return Promise.resolve();
    }
    static getAllWindows(): unknown[] {
      return [];
    }
  }
  const app = {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    getPath: () => '/nonexistent-user-data',
    on: () => undefined,
    whenReady: () => Promise.resolve(),
    quit: () => undefined,
  };
  return {
    app,
    BrowserWindow,
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      showMessageBox: () => Promise.resolve(),
      showSaveDialog: (...args: unknown[]) => {
        calls.saveDialogs.push(args);
        return Promise.resolve(calls.saveAnswer);
      },
    },
    ipcMain: { handle: (channel: string, h: Handler) => void calls.ipc.set(channel, h) },
    Menu: { setApplicationMenu: () => undefined, buildFromTemplate: (t: unknown) => t },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: Handler) => void (calls.headers = h) },
        setPermissionRequestHandler: (h: Handler) => void (calls.permissions = h),
      },
    },
  };
});

const here = dirname(fileURLToPath(import.meta.url));

/** A CSP as directive → value. */
function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map((parts) => [parts[0] as string, parts.slice(1).join(' ')]),
  );
}
const appUrl = `file://${join(here, 'x', 'index.html')}`;

describe('security rules', () => {
  it('uses every secure webPreference', () => {
    const p = secureWebPreferences('/p.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });
  it('allows navigation only to the app page and IPC only from its top frame', () => {
    expect(isAllowedNavigation(appUrl, appUrl)).toBe(true);
    expect(isAllowedNavigation(`${appUrl}?open=/x`, appUrl)).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', appUrl)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', appUrl)).toBe(false);
    expect(isAllowedNavigation('not a url', appUrl)).toBe(false);
    expect(isTrustedSender(appUrl, true, appUrl)).toBe(true);
    expect(isTrustedSender(appUrl, false, appUrl)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true, appUrl)).toBe(false);
    expect(isTrustedSender(undefined, true, appUrl)).toBe(false);
  });
});

describe('main process against a mocked Electron', () => {
  beforeAll(async () => {
    process.env['FROST_MAIN_NO_AUTOSTART'] = '1';
    const m = await import('./main.js');
    await m.main();
  });

  it('creates the window with the secure preferences and the preload', () => {
    const w = calls.windows[0];
    expect(w).toBeDefined();
    expect(w?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    // Every rule of security.ts reaches the real window, none overridden by the literal copies in main.ts.
    const { preload: _preload, ...rules } = secureWebPreferences('/p.cjs');
    expect(w?.options.webPreferences).toMatchObject({ ...rules, disableBlinkFeatures: 'Auxclick', allowRunningInsecureContent: false, webviewTag: false, nodeIntegrationInSubFrames: false, nodeIntegrationInWorker: false, experimentalFeatures: false });
    expect(w?.options.webPreferences).not.toHaveProperty('enableRemoteModule');
    expect(w?.options.webPreferences).not.toHaveProperty('additionalArguments');
    expect(String(w?.options.webPreferences['preload'])).toMatch(/preload[/\\]preload\.cjs$/);
  });

  it('blocks navigation away from the app and every window.open', () => {
    const w = calls.windows[0];
    let prevented = false;
    w?.on.get('will-navigate')?.({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    for (const url of ['file:///etc/passwd', 'http://127.0.0.1:8080/', 'javascript:alert(1)', 'data:text/html,<script>1</script>']) {
      prevented = false;
      w?.on.get('will-navigate')?.({ preventDefault: () => (prevented = true) }, url);
      expect(prevented, url).toBe(true);
    }
    // Reloading the app's own page (with its ?open= query) is the one navigation allowed.
    prevented = false;
    const page = pathToFileURL(join(here, '..', '..', 'renderer', 'index.html')).href;
    w?.on.get('will-navigate')?.({ preventDefault: () => (prevented = true) }, `${page}?open=%2Fx`);
    expect(prevented).toBe(false);
    for (const url of ['https://evil.example/', page, 'about:blank']) expect(w?.openHandler?.({ url }), url).toEqual({ action: 'deny' });
  });

  it('sets a strict CSP on every response and denies permission requests', () => {
    let headers: Record<string, string[]> = {};
    calls.headers?.({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']?.[0]).toContain("script-src 'self'");
    expect(headers['Content-Security-Policy']?.[0]).toContain("object-src 'none'");
    const csp = directives(headers['Content-Security-Policy']?.[0] ?? '');
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'"); // no 'unsafe-inline', no 'unsafe-eval'
    expect(csp.get('frame-ancestors')).toBe("'none'");
    // The page's own meta CSP (renderer/index.html) says nothing looser than the header.
    const html = readFileSync(join(here, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta, 'renderer/index.html has a CSP meta tag').toBeDefined();
    for (const [name, v] of directives(meta ?? '')) expect(v, name).toBe(csp.get(name));
    let granted: boolean | undefined;
    calls.permissions?.({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
  });

  it('registers exactly the contract channels and refuses foreign senders', async () => {
    expect([...calls.ipc.keys()].sort()).toEqual([...CHANNELS].sort());
    const handler = calls.ipc.get('app:info') as Handler;
    const mainFrame = {};
    const foreign = (await handler({ senderFrame: { url: 'https://evil.example/' }, sender: { mainFrame } }, {})) as { ok: boolean };
    expect(foreign.ok).toBe(false);
    const sub = (await handler({ senderFrame: { url: 'file:///somewhere/else.html' }, sender: { mainFrame: {} } }, {})) as { ok: boolean };
    expect(sub.ok).toBe(false);
    // The app page's own top frame is answered (the page path as main.ts computes it from its folder).
    const page = { url: pathToFileURL(join(here, '..', '..', 'renderer', 'index.html')).href };
    const trusted = (await handler({ senderFrame: page, sender: { mainFrame: page } }, {})) as { ok: boolean; value?: { mode: string } };
    expect(trusted.ok).toBe(true);
    expect(trusted.value?.mode).toBe('electron');
    const iframe = (await handler({ senderFrame: page, sender: { mainFrame: {} } }, {})) as { ok: boolean };
    expect(iframe.ok).toBe(false);
  });
});

describe('long jobs over IPC', () => {
  it('sends the progress of source:verify to the window as job:progress', async () => {
    const page = { url: pathToFileURL(join(here, '..', '..', 'renderer', 'index.html')).href };
    const event = { senderFrame: page, sender: { mainFrame: page } };
    const open = (await (calls.ipc.get('source:open') as Handler)(event, { path: fixture('simple-model-freeze-oracle') })) as Result<OpenedSource>;
    if (!open.ok) throw new Error(open.error.message);
    calls.sent.length = 0;
    const verified = (await (calls.ipc.get('source:verify') as Handler)(event, { sourceId: open.value.sourceId, jobId: 'ipc-job' })) as Result<unknown>;
    expect(verified).toEqual({ ok: true, value: { tensors: 2, bytes: 8, damaged: [] } });
    expect(new Set(calls.sent.map((s) => s.channel))).toEqual(new Set(['job:progress']));
    expect(calls.sent[0]?.payload).toEqual({ jobId: 'ipc-job', done: 0, total: 2, message: 'Checked 0 of 2 tensors' });
    expect(calls.sent.at(-1)?.payload).toEqual({ jobId: 'ipc-job', done: 2, total: 2, message: 'Checked 2 of 2 tensors' });
    expect(await (calls.ipc.get('job:cancel') as Handler)(event, { jobId: 'ipc-job' })).toEqual({ ok: true, value: { cancelled: false } });
  });
});

describe('freeze:save', () => {
  it('asks where to save (default <prefix>-frozen.pb) and copies the .pb and its manifest there', async () => {
    const page = { url: pathToFileURL(join(here, '..', '..', 'renderer', 'index.html')).href };
    const event = { senderFrame: page, sender: { mainFrame: page } };
    const call = (channel: string, req: unknown) => (calls.ipc.get(channel) as Handler)(event, req) as Promise<Result<Record<string, unknown>>>;
    const open = (await call('source:open', { path: fixture('simple-model-freeze-oracle') })) as Result<OpenedSource>;
    if (!open.ok) throw new Error(open.error.message);
    const run = (await call('freeze:run', { sourceId: open.value.sourceId, outputs: ['Model/add'], jobId: 'save-job' })) as Result<FreezeRunResult>;
    if (!run.ok) throw new Error(run.error.message);

    // Cancelled dialog: nothing saved.
    expect(await call('freeze:save', { downloadId: run.value.downloadId })).toEqual({ ok: true, value: { saved: false } });
    const options = calls.saveDialogs.at(-1)?.at(-1) as { defaultPath: string };
    expect(basename(options.defaultPath)).toBe('simple_model-frozen.pb');

    const folder = mkdtempSync(join(tmpdir(), 'frost-save-'));
    try {
      const target = join(folder, 'mine.pb');
      calls.saveAnswer = { canceled: false, filePath: target };
      expect(await call('freeze:save', { downloadId: run.value.downloadId })).toEqual({ ok: true, value: { saved: true, path: target } });
      expect(statSync(target).size).toBe(run.value.manifest.bytes);
      expect(JSON.parse(readFileSync(join(folder, 'mine.manifest.json'), 'utf8'))).toEqual(run.value.manifest);
      expect(readdirSync(folder).sort()).toEqual(['mine.manifest.json', 'mine.pb']);
    } finally {
      calls.saveAnswer = { canceled: true, filePath: '' };
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('preload', () => {
  it('exposes one function per contract channel and nothing generic', () => {
    const src = readFileSync(join(here, '..', 'preload', 'preload.cts'), 'utf8');
    const channels = /const CHANNELS = \[([^\]]*)\]/.exec(src)?.[1] ?? '';
    const events = /const APP_EVENTS = \[([^\]]*)\]/.exec(src)?.[1] ?? '';
    const list = (s: string): string[] => [...s.matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
    expect(list(channels).sort()).toEqual([...CHANNELS].sort());
    expect(list(events).sort()).toEqual([...APP_EVENTS].sort());
    expect(src).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\b/);
    expect(src).not.toMatch(/\binvoke\b\s*:/);
  });
});
