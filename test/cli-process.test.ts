// The real `frost` binary as a user runs it (needs `npm run build`, which `npm ci` runs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundleV2 } from '../electron/core/checkpoint/bundle-writer.js';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './fixtures.js';

const bin = join(repoRoot, 'bin', 'frost.js');

describe('bin/frost.js', () => {
  it('prints help and exits 0; usage errors exit 2; bad input exits 1 with one sentence', () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: frost');
    const usage = spawnSync(process.execPath, [bin, 'inspect'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    const bad = spawnSync(process.execPath, [bin, 'inspect', join(repoRoot, 'no-such-checkpoint')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits quietly when its reader closes the pipe early (frost … | head)', async () => {
    // Far more output than a pipe buffers, so the write really meets the closed pipe.
    const dir = mkdtempSync(join(tmpdir(), 'frost-pipe-'));
    const prefix = join(dir, 'model.ckpt-1');
    const one = { kind: 'numeric' as const, dtype: 1, shape: [1], bytes: new Uint8Array(4) };
    await writeBundleV2(prefix, Array.from({ length: 6000 }, (_, i) => ({ key: `layer_${String(i).padStart(5, '0')}/kernel_with_a_long_name`, data: one })));
    const child = spawn(process.execPath, [bin, 'inspect', prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(err).not.toMatch(/EPIPE|Error/);
    rmSync(dir, { recursive: true, force: true });
  });
});
