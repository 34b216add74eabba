import { describe, expect, it } from 'vitest';
import type { FreezeManifest } from '../../../shared/model/freeze-manifest.js';
import { GraphIndex } from '../freeze/graph-index.js';
import { makeFeeds } from './prepare.js';

const manifest = {
  inputs: [
    { name: 'image', dtype: 'float32', shape: [-1, 4] },
    { name: 'is_training', dtype: 'bool', shape: [], optional: true },
  ],
} as unknown as FreezeManifest;

describe('Verify feeds', () => {
  it('feeds placeholders random values but leaves a PlaceholderWithDefault at its default (a mode switch such as is_training)', () => {
    const { feeds, values } = makeFeeds(manifest, {}, new GraphIndex([]));
    expect(feeds.map((f) => [f.name, f.source, f.shape])).toEqual([['image', 'random', [2, 4]]]);
    expect([...values.keys()]).toEqual(['image']);
  });

  it('feeds a PlaceholderWithDefault when the user gives its value', () => {
    const { feeds, values } = makeFeeds(manifest, { inputs: [{ name: 'is_training', values: [1], shape: [] }] }, new GraphIndex([]));
    expect(feeds.map((f) => [f.name, f.source])).toEqual([['image', 'random'], ['is_training', 'user']]);
    expect(values.get('is_training')?.dtype).toBe('bool');
  });
});
