// Minimal typings for snappyjs@0.7.0 (it ships none): raw Snappy block format, no framing.
declare module 'snappyjs' {
  /** Throws a plain Error on a bad stream or when the declared length exceeds maxLength. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
