/**
 * The Open Recent list, kept as JSON in the app's user-data folder; entries whose files are
 * gone are pruned when the list is read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecentEntry } from '../../shared/ipc/contract.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';

const MAX = 12;

export class RecentStore {
  private entries: RecentEntry[];

  constructor(private readonly folder: string) {
    this.entries = RecentStore.load(join(folder, 'recent.json'));
  }

  private static load(file: string): RecentEntry[] {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((e): e is RecentEntry => typeof e?.path === 'string' && typeof e?.openedAt === 'number').slice(0, MAX);
    } catch {
      return [];
    }
  }

  list(): RecentEntry[] {
    this.entries = this.entries.filter((e) => existsSync(e.path));
    return [...this.entries];
  }

  add(path: string): void {
    this.entries = [{ path, openedAt: Date.now() }, ...this.entries.filter((e) => e.path !== path)].slice(0, MAX);
    void writeFileAtomic(join(this.folder, 'recent.json'), new TextEncoder().encode(JSON.stringify(this.entries, null, 2))).catch(() => undefined);
  }
}
