/**
 * The window's security rules, as plain functions so tests can assert them without Electron
 * (Electron security checklist; docs/style-anchors.md item 8): context isolation, sandbox,
 * no Node in the page, no navigation away from the app, no new windows, and IPC answered only
 * for the app's own top-level frame.
 */
import { pathToFileURL } from 'node:url';

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  spellcheck: false;
  /** Middle-click (auxclick) cannot open anything (Electron checklist; electronegativity AUXCLICK_JS_CHECK). */
  disableBlinkFeatures: 'Auxclick';
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    disableBlinkFeatures: 'Auxclick',
  };
}

/** The page's Content-Security-Policy (also set as a meta tag by the renderer's index.html). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The app's own page: file:///…/dist/renderer/index.html. */
export function appPageUrl(indexHtml: string): string {
  return pathToFileURL(indexHtml).href;
}

/** Only the app's own page may be shown: every other navigation is refused. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  try {
    const u = new URL(url);
    const a = new URL(appUrl);
    return u.protocol === 'file:' && u.pathname === a.pathname;
  } catch {
    return false;
  }
}

/** IPC is answered only for the app page's top-level frame (not for iframes or other pages). */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, appUrl: string): boolean {
  return isMainFrame && frameUrl !== undefined && isAllowedNavigation(frameUrl, appUrl);
}
