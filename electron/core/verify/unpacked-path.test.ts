import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { unpackedPath } from './unpacked-path.js';

describe('unpackedPath', () => {
  it('points a file inside app.asar at its unpacked copy', () => {
    expect(unpackedPath(join('/opt/Frost/resources/app.asar', 'dist', 'electron', 'core', 'verify', 'verify-worker.js')))
      .toBe(join('/opt/Frost/resources/app.asar.unpacked', 'dist', 'electron', 'core', 'verify', 'verify-worker.js'));
  });
  it('leaves other paths alone (development, CLI, serve)', () => {
    const p = join('/work/main/node_modules/@tensorflow/tfjs-backend-wasm/dist');
    expect(unpackedPath(p)).toBe(p);
    expect(unpackedPath('/srv/app.asar.unpacked/x.js')).toBe('/srv/app.asar.unpacked/x.js');
  });
});
