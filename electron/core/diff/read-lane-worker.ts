/**
 * Worker-thread entry of the read lane (read-lane.ts): streams the two payloads of a tensor
 * pair into the ring slots of a shared memory with blocking reads, and checksums side A on the
 * way (tf-formats.md §4.5), while the main thread checksums side B and computes the deltas.
 * A slot is written only when the main thread has marked it free (Atomics on `control`, whose
 * last cell asks the stream to stop).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { crc32c } from '../io/crc32c.js';
import { FrostError, fsError, isFrostError } from '../errors.js';
import type { LaneInit, LaneReply, LaneStream } from './read-lane.js';

let lane: LaneInit | undefined;

function readFully(fd: number, file: string, buf: Uint8Array, at: number): void {
  let done = 0;
  while (done < buf.length) {
    let n: number;
    try {
      n = readSync(fd, buf, done, buf.length - done, at + done);
    } catch (e) {
      throw fsError(e, file);
    }
    if (n === 0) throw new FrostError('TRUNCATED', `${file} ended early: offset ${at + done} needs ${buf.length - done} more bytes (the file shrank while it was read).`, { file, offset: at + done });
    done += n;
  }
}

function stream(init: LaneInit, job: LaneStream): LaneReply {
  const { memory, control, chunk, slots } = init;
  const stop = slots;
  const fds: number[] = [];
  try {
    for (const side of [job.a, job.b]) {
      try {
        fds.push(openSync(side.file, 'r'));
      } catch (e) {
        throw fsError(e, side.file);
      }
    }
    const [fa, fb] = fds as [number, number];
    let crcA = 0;
    let slot = 0;
    for (let pos = 0; pos < job.size; pos += chunk) {
      while (Atomics.load(control, slot) !== 0 && Atomics.load(control, stop) === 0) Atomics.wait(control, slot, 1);
      if (Atomics.load(control, stop) !== 0) return { id: job.id, end: true, aborted: true };
      const len = Math.min(chunk, job.size - pos);
      const a = new Uint8Array(memory.buffer, 2 * slot * chunk, len);
      const b = new Uint8Array(memory.buffer, (2 * slot + 1) * chunk, len);
      readFully(fa, job.a.file, a, job.a.offset + pos);
      readFully(fb, job.b.file, b, job.b.offset + pos);
      crcA = crc32c(a, crcA);
      Atomics.store(control, slot, 1);
      parentPort?.postMessage({ id: job.id, slot, len } satisfies LaneReply);
      slot = (slot + 1) % slots;
    }
    return { id: job.id, end: true, crcA };
  } catch (e) {
    const error = isFrostError(e) ? e : new FrostError('FILE_UNREADABLE', `Reading ${job.a.file} and ${job.b.file} failed (${e instanceof Error ? e.message : String(e)}).`);
    return { id: job.id, end: true, error: error.toJSON() };
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

parentPort?.on('message', (m: LaneInit | LaneStream) => {
  if ('memory' in m) {
    lane = m;
    return;
  }
  const reply: LaneReply = lane ? stream(lane, m) : { id: m.id, end: true, error: { code: 'FILE_UNREADABLE', message: 'The read lane was not set up.' } };
  parentPort?.postMessage(reply);
});
