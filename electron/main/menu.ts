/** The application menu (File, Edit, View, Help); every item ends in an action of main.ts. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/ipc/contract.js';

export interface MenuActions {
  openFolder(): Promise<void>;
  openFile(): Promise<void>;
  openRecent(path: string): void;
  recent(): string[];
  command(name: MenuCommand): void;
  about(): void;
  quit(): void;
}

export function menuTemplate(a: MenuActions, platform: string = process.platform): MenuItemConstructorOptions[] {
  const recent = a.recent();
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => void a.openFolder() },
        { label: 'Open File…', accelerator: 'CmdOrCtrl+O', click: () => void a.openFile() },
        {
          label: 'Open Recent',
          submenu: recent.length ? recent.map((path) => ({ label: path, click: () => a.openRecent(path) })) : [{ label: 'No recent files', enabled: false }],
        },
        { type: 'separator' },
        { label: platform === 'darwin' ? 'Quit Frost' : 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => a.quit() },
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'copy' }, { role: 'selectAll' }, { type: 'separator' }, { label: 'Find', accelerator: 'CmdOrCtrl+F', click: () => a.command('find') }],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: () => a.command('zoom-in') },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: () => a.command('zoom-out') },
        { label: 'Fit to Window', accelerator: 'CmdOrCtrl+0', click: () => a.command('fit') },
        { type: 'separator' },
        { label: 'Toggle Theme', click: () => a.command('toggle-theme') },
        { label: 'Toggle Left Panel', accelerator: 'CmdOrCtrl+B', click: () => a.command('toggle-left-panel') },
        { label: 'Toggle Properties Panel', accelerator: 'CmdOrCtrl+I', click: () => a.command('toggle-right-panel') },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/', click: () => a.command('shortcuts') },
        { label: 'About Frost', click: () => a.about() },
      ],
    },
  ];
}

export function buildMenu(actions: MenuActions): Menu {
  return Menu.buildFromTemplate(menuTemplate(actions));
}
