/** Awaits `p` and checks it failed with a FrostError of `code` (and a message matching `pattern`). */
import { expect } from 'vitest';
import { FrostError } from '../electron/core/errors.js';

export async function expectFrost(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<FrostError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected FrostError ${code}`).toBeInstanceOf(FrostError);
  const fe = err as FrostError;
  expect(fe.code, fe.message).toBe(code);
  if (pattern) expect(fe.message).toMatch(pattern);
  return fe;
}
