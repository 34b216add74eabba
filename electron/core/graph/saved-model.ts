/**
 * Picking the MetaGraphDef of a SavedModel (tf-formats.md §8.23): by its tag set, `serve`
 * unless told otherwise, else the only one there is. Variables live in the V2 bundle
 * `variables/variables` beside `saved_model.pb`.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FrostError } from '../errors.js';
import type { tensorflow } from '../proto/tf.js';

export const DEFAULT_TAGS: readonly string[] = ['serve'];

export interface ChosenMetaGraph {
  metaGraph: tensorflow.MetaGraphDef;
  tagSets: string[][];
  chosenTags: string[];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((t) => y.has(t));
}

function showTags(tags: readonly string[]): string {
  return `[${tags.join(', ')}]`;
}

/** TF's loader matches tag sets exactly; with no tags asked for, a lone MetaGraph is taken. */
export function chooseMetaGraph(savedModel: tensorflow.SavedModel, file: string, tags?: readonly string[]): ChosenMetaGraph {
  const metas = savedModel.metaGraphs as tensorflow.MetaGraphDef[];
  const tagSets = metas.map((m) => [...(m.metaInfoDef?.tags ?? [])]);
  if (metas.length === 0) throw new FrostError('CORRUPT', `${file} is a SavedModel with no MetaGraph in it.`, { file });
  const wanted = tags ?? DEFAULT_TAGS;
  const exact = tagSets.findIndex((t) => sameSet(t, wanted));
  const index = exact >= 0 ? exact : tags === undefined && metas.length === 1 ? 0 : -1;
  if (index < 0) {
    const available = tagSets.map(showTags).join(', ');
    throw new FrostError(
      'USAGE',
      `${file} has no MetaGraph tagged ${showTags(wanted)}; its tag sets are ${available}. Choose one of them with the tags option.`,
      { file },
    );
  }
  return { metaGraph: metas[index] as tensorflow.MetaGraphDef, tagSets, chosenTags: tagSets[index] ?? [] };
}

/** `<dir>/variables/variables` when its `.index` exists. */
export async function savedModelVariablesPrefix(dir: string): Promise<string | undefined> {
  const prefix = join(dir, 'variables', 'variables');
  try {
    return (await stat(`${prefix}.index`)).isFile() ? prefix : undefined;
  } catch {
    return undefined;
  }
}
