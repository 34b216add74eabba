/**
 * A second core for checkpoint diffs (issue #7: ≥ 50 % of raw read speed). Per GiB compared,
 * copying from the page cache costs ~160 ms of CPU, CRC32C ~85 ms and the SIMD deltas ~130 ms;
 * on one thread, or with libuv's read threads competing for the two cores, they add up. The
 * lane splits them in two even halves: a worker (read-lane-worker.ts) reads both payloads with
 * blocking reads straight into the ring of the SIMD kernel's shared memory and checksums side
 * A; this thread checksums side B and computes the deltas of each chunk as it arrives, then
 * hands its slot back. Measured 190–200 ms per GiB against 250–280 ms for the async pipeline.
 *
 * One lane is kept per process and lent to one diff at a time (its ring is that diff's); it
 * starts on first use (~30 ms), does not keep the process alive, and stops when unused for a
 * while. Without a compiled worker (tests from TypeScript sources) or shared WebAssembly
 * memory, or after the worker failed, callers stream on this thread instead.
 */
import { Worker } from 'node:worker_threads';
import { FrostError, type FrostErrorCode } from '../errors.js';
import { workerEntry } from '../verify/unpacked-path.js';
import { createSimdKernel, type KernelMemory, type SimdKernel } from './simd-kernel.js';

export interface LaneInit {
  memory: KernelMemory;
  /** One cell per slot (0 free, 1 holds a chunk for this thread), then the stop flag. */
  control: Int32Array;
  chunk: number;
  slots: number;
}

export interface LaneStream {
  id: number;
  a: { file: string; offset: number };
  b: { file: string; offset: number };
  size: number;
}

export type LaneReply =
  | { id: number; slot: number; len: number }
  | { id: number; end: true; crcA?: number; aborted?: boolean; error?: { code: FrostErrorCode; message: string; file?: string; offset?: number } };

/** Stop the worker after this long without a diff. */
const IDLE_MS = 30_000;

const workerFile = (): URL | undefined => workerEntry(new URL('./read-lane-worker.js', import.meta.url));

function cancelled(): FrostError {
  return new FrostError('CANCELLED', 'The diff was cancelled.');
}

interface Current {
  onReply(m: LaneReply): void;
  fail(e: Error): void;
}

export class ReadLane {
  private nextId = 0;
  private broken = false;
  private current: Current | undefined;

  private constructor(
    private readonly worker: Worker,
    /** The shared kernel: its buffers are the ring the worker reads into. */
    readonly kernel: SimdKernel,
    private readonly control: Int32Array,
  ) {
    worker.on('message', (m: LaneReply) => this.current?.onReply(m));
    const fail = (e: unknown): void => {
      this.broken = true;
      this.current?.fail(new FrostError('FILE_UNREADABLE', `The diff's read worker stopped (${e instanceof Error ? e.message : String(e)}).`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`exit ${code}`));
    // After the listeners, which would ref it again: an idle lane never holds the process.
    worker.unref();
  }

  /** A lane whose ring has `slots` pairs of `chunk`-byte buffers, or undefined where none can run. */
  static start(chunk: number, slots: number): ReadLane | undefined {
    const file = workerFile();
    const kernel = file && createSimdKernel(chunk, slots, true);
    if (!file || !kernel?.layout) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(4 * (slots + 1)));
    try {
      // No inherited node flags: some (e.g. --input-type from `node -e`) stop a worker starting.
      const worker = new Worker(file, { execArgv: [] });
      worker.postMessage({ memory: kernel.layout.memory, control, chunk, slots } satisfies LaneInit);
      return new ReadLane(worker, kernel, control);
    } catch {
      return undefined;
    }
  }

  get usable(): boolean {
    return !this.broken;
  }

  /**
   * Streams one pair of payloads (ranges already checked against the files' sizes) through
   * the ring: `onChunk(slot, len)` runs on this thread for every chunk in order, after which
   * the slot is handed back. Resolves with side A's CRC32C (unmasked).
   */
  stream(job: Omit<LaneStream, 'id'>, onChunk: (slot: number, len: number) => void, signal?: AbortSignal): Promise<number> {
    if (this.broken) return Promise.reject(new FrostError('FILE_UNREADABLE', "The diff's read worker stopped."));
    const { control } = this;
    const slots = control.length - 1;
    const id = ++this.nextId;
    const stop = (): void => {
      Atomics.store(control, slots, 1);
      for (let s = 0; s < slots; s++) Atomics.notify(control, s);
    };
    for (let s = 0; s <= slots; s++) Atomics.store(control, s, 0);
    return new Promise<number>((resolve, reject) => {
      let failure: unknown;
      const done = (fn: () => void): void => {
        this.current = undefined;
        this.worker.unref();
        signal?.removeEventListener('abort', stop);
        fn();
      };
      this.current = {
        onReply: (m) => {
          if (m.id !== id) return;
          if ('slot' in m) {
            if (failure === undefined && !signal?.aborted) {
              try {
                onChunk(m.slot, m.len);
              } catch (e) {
                failure = e;
                stop();
              }
            }
            Atomics.store(control, m.slot, 0);
            Atomics.notify(control, m.slot);
            return;
          }
          if (m.error) {
            const e = m.error;
            done(() => reject(new FrostError(e.code, e.message, { ...(e.file === undefined ? {} : { file: e.file }), ...(e.offset === undefined ? {} : { offset: e.offset }) })));
          } else if (failure !== undefined) done(() => reject(failure));
          else if (m.aborted || signal?.aborted) done(() => reject(cancelled()));
          else done(() => resolve(m.crcA ?? 0));
        },
        fail: (e) => done(() => reject(e)),
      };
      signal?.addEventListener('abort', stop, { once: true });
      if (signal?.aborted) stop();
      // Held while streaming: the answer comes only from the worker.
      this.worker.ref();
      this.worker.postMessage({ id, ...job } satisfies LaneStream);
    });
  }

  close(): Promise<number> {
    this.broken = true;
    return this.worker.terminate();
  }
}

/** The process's lane and its ring size, whether a diff holds it, and its idle timer. */
let shared: { lane: ReadLane | undefined; chunk: number; slots: number } | undefined;
let held = false;
let idle: ReturnType<typeof setTimeout> | undefined;

/**
 * Lends the process's lane (a ring of `slots` × `chunk` bytes) to one diff, or undefined when
 * another diff holds it or none can run. `release` once the diff's streams have all ended.
 */
export function leaseLane(chunk: number, slots: number): { lane: ReadLane; release(): void } | undefined {
  if (held) return undefined;
  if (idle) clearTimeout(idle);
  if (shared && (shared.chunk !== chunk || shared.slots !== slots || !shared.lane?.usable)) {
    void shared.lane?.close();
    shared = undefined;
  }
  shared ??= { lane: ReadLane.start(chunk, slots), chunk, slots };
  const lane = shared.lane;
  if (!lane) return undefined;
  held = true;
  let released = false;
  return {
    lane,
    release(): void {
      if (released) return;
      released = true;
      held = false;
      idle = setTimeout(() => {
        void shared?.lane?.close();
        shared = undefined;
      }, IDLE_MS);
      idle.unref();
    },
  };
}
