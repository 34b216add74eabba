import type { MenuCommand } from '../../../../shared/ipc/contract.js';
import type { ProblemJSON } from '../../../../shared/model/inspect-report.js';
import type { AppSlice, Phase } from '../types.js';
import type { ActionContext } from './context.js';
import type { SourceActions } from './source.js';

export const appInitial = (): AppSlice => ({ appInfo: null, phase: 'empty', busy: null, banners: [] });

export type AppActions = ReturnType<typeof createAppActions>;

/** The phase when nothing is running and nothing failed. */
export const restingPhase = (hasSource: boolean): Phase => (hasSource ? 'ready' : 'empty');

export function createAppActions(ctx: ActionContext, source: () => SourceActions) {
  let nextBanner = 1;
  let started = false;

  /** Shows `problem` as a dismissible banner under `title` ("Could not open …"). */
  function reportProblem(title: string, problem: ProblemJSON): void {
    const banners = ctx.get().banners.filter((b) => !(b.title === title && b.problem.message === problem.message));
    ctx.set({ banners: [...banners, { id: nextBanner++, title, problem }] });
  }

  /** Removes a banner; once the last error is gone the window leaves the error phase. */
  function dismissBanner(id: number): void {
    const s = ctx.get();
    const banners = s.banners.filter((b) => b.id !== id);
    ctx.set({ banners, ...(s.phase === 'error' && banners.length === 0 ? { phase: restingPhase(s.report !== null) } : {}) });
  }

  function dismissAllBanners(): void {
    const s = ctx.get();
    ctx.set({ banners: [], ...(s.phase === 'error' ? { phase: restingPhase(s.report !== null) } : {}) });
  }

  /** Start-up: app info, the recent list, then the path the app was started on (if any). Runs once. */
  async function startApp(): Promise<void> {
    if (started) return;
    started = true;
    ctx.set({ phase: 'loading', busy: 'Starting…' });
    const info = await ctx.client.call('app:info', {});
    if (!info.ok) {
      reportProblem('Frost could not start', info.error);
      ctx.set({ phase: 'error', busy: null });
      return;
    }
    ctx.set({ appInfo: info.value, phase: restingPhase(ctx.get().report !== null), busy: null });
    void source().loadRecent();
    if (info.value.initialPath) await source().openSource(info.value.initialPath);
  }

  /**
   * Follows the Electron main process: paths to open (menu, dock, second instance) are opened;
   * menu commands go to `onCommand`. Returns the unsubscribe function.
   */
  function listenToApp(onCommand: (command: MenuCommand) => void): () => void {
    const offOpen = ctx.client.onEvent('app:open-path', (path) => {
      if (typeof path === 'string') void source().openSource(path);
    });
    const offCommand = ctx.client.onEvent('app:command', onCommand);
    return () => {
      offOpen();
      offCommand();
    };
  }

  return { reportProblem, dismissBanner, dismissAllBanners, startApp, listenToApp };
}
