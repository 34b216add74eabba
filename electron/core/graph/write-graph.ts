/**
 * Deterministic binary encoding of graphs (tf-formats.md §10.1, §7): fields in field-number
 * order (protobufjs's static encoders), map entries sorted by key bytes, oneof members kept
 * even when they hold a default (`AttrValue{s: ""}` → `12 00`), present-but-empty messages
 * kept. Unknown fields a newer TF wrote are re-emitted after the known fields of their
 * message. Files are written atomically and never over an input.
 */
import type protobuf from 'protobufjs';
import { FrostError } from '../errors.js';
import { writeFileAtomic, type AtomicWriteOptions } from '../io/atomic-write.js';
import { withSortedMaps } from '../proto/canonical-maps.js';
import { tensorflow } from '../proto/tf.js';

/** Protobuf messages must stay below 2^31 bytes; TF cannot parse anything larger (§10.4). */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

function largestConstants(g: tensorflow.GraphDef.$Properties | null | undefined): string {
  const sizes = (g?.node ?? [])
    .map((n) => ({ name: n.name ?? '', bytes: n.attr?.['value']?.tensor?.tensorContent?.length ?? 0 }))
    .filter((x) => x.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  return sizes.length === 0 ? '' : ` The largest constants are ${sizes.map((s) => `${s.name} (${s.bytes} bytes)`).join(', ')}.`;
}

/** Checks the size the writer computed before it allocates the output. */
function finish(w: protobuf.Writer, what: string, graph: tensorflow.GraphDef.$Properties | null | undefined): Uint8Array {
  if (w.len > MAX_MESSAGE_BYTES) {
    throw new FrostError('TOO_LARGE', `The ${what} would be ${w.len} bytes: protobuf and TensorFlow refuse messages of 2 GiB or more.${largestConstants(graph)}`);
  }
  return w.finish();
}

export function encodeGraphDef(g: tensorflow.GraphDef.$Properties): Uint8Array {
  return finish(tensorflow.GraphDef.encode(withSortedMaps(g, 'tensorflow.GraphDef')), 'GraphDef', g);
}

export function encodeMetaGraphDef(m: tensorflow.MetaGraphDef.$Properties): Uint8Array {
  return finish(tensorflow.MetaGraphDef.encode(withSortedMaps(m, 'tensorflow.MetaGraphDef')), 'MetaGraphDef', m.graphDef);
}

export function encodeSavedModel(s: tensorflow.SavedModel.$Properties): Uint8Array {
  return finish(tensorflow.SavedModel.encode(withSortedMaps(s, 'tensorflow.SavedModel')), 'SavedModel', s.metaGraphs?.[0]?.graphDef);
}

export async function writeGraphDefFile(path: string, g: tensorflow.GraphDef.$Properties, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeGraphDef(g), options);
}

export async function writeMetaGraphFile(path: string, m: tensorflow.MetaGraphDef.$Properties, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeMetaGraphDef(m), options);
}

export async function writeSavedModelFile(path: string, s: tensorflow.SavedModel.$Properties, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeSavedModel(s), options);
}
