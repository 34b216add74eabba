/**
 * The one entry point of Frost's headless core: the CLI, the server, the Electron main
 * process and tests import from here, never from inside the folders.
 */
export { FrostError, isFrostError, type FrostErrorCode } from './errors.js';
export { openSource, inputFilesOf, OBJECT_GRAPH_KEY, type Source, type OpenOptions } from './source/open-source.js';
export { findTensor, closestNames, type FoundTensor } from './source/find-tensor.js';
export { inspectSource, verifySource, problemOf } from './inspect/inspect.js';
export { openCheckpoint, type CheckpointReader, type TensorEntryInfo } from './checkpoint/reader.js';
export { loadGraph, type LoadedGraph } from './graph/load-graph.js';
export { dtypeName, dtypeFromName, dtypeInfo, DT } from './tensor/dtype.js';
export {
  computeStats,
  computeHistogram,
  elementCount,
  formatElement,
  formatShape,
  type TensorData,
  type TensorStats,
  type Histogram,
} from './tensor/tensor-data.js';
export { writeNpy } from './export/npy.js';
export { writeNpz } from './export/npz.js';
export { writeDemoCheckpoint, DEMO_OUTPUTS } from './demo/demo-checkpoint.js';
export { diffSources, type DiffOptions } from './diff/diff-sources.js';
