import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { detectFile, kindFromName, metaFileOfPrefix, stepOfPrefix } from './detect.js';

describe('detect', () => {
  it('knows checkpoint files by name', () => {
    expect(kindFromName('/x/checkpoint')).toBe('state-file');
    expect(kindFromName('/x/model.ckpt-5.index')).toBe('v2-index');
    expect(kindFromName('/x/model.ckpt-5.data-00001-of-00002')).toBe('v2-data');
    expect(kindFromName('/x/model.ckpt-5.meta')).toBe('meta-graph');
    expect(kindFromName('/x/saved_model.pb')).toBe('saved-model');
    expect(kindFromName('/x/frozen.pb')).toBe('graph-def');
    expect(kindFromName('/x/graph.pbtxt')).toBe('graph-text');
    expect(kindFromName('/x/model.ckpt')).toBeUndefined();
  });

  it('sniffs V1 tables and graphs by content when the name says nothing', async () => {
    expect(await detectFile(fixture('mnist-softmax-v1-freeze-oracle', 'model.ckpt'))).toBe('v1-table');
    expect(await detectFile(fixture('half-plus-two-v1-session-bundle', 'export-00000-of-00001'))).toBe('v1-table');
  });

  it('derives steps and .meta names from prefixes (tf-formats.md §1.3)', () => {
    expect(stepOfPrefix('/a/model.ckpt-1234')).toBe(1234);
    expect(stepOfPrefix('/a/ckpt-6')).toBe(6);
    expect(stepOfPrefix('/a/model.ckpt')).toBeUndefined();
    expect(stepOfPrefix('/a/model.ckpt-3-?????-of-00002')).toBe(3);
    expect(metaFileOfPrefix('/a/export-?????-of-00001')).toBe('/a/export.meta');
    expect(metaFileOfPrefix('/a/model.ckpt-7')).toBe('/a/model.ckpt-7.meta');
  });
});
