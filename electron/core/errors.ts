/**
 * Frost's typed errors. Every failure a user can cause (bad file, missing shard, wrong name)
 * is a FrostError with a stable code and one sentence that names the file and what was
 * expected, so the CLI, the server and the app can show it as-is. Anything else is a bug.
 */
export type FrostErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'CRC_MISMATCH'
  | 'CORRUPT'
  | 'MISSING_SHARD'
  | 'UNSUPPORTED_FORMAT'
  | 'UNSUPPORTED_DTYPE'
  | 'UNSUPPORTED_VERSION'
  | 'TOO_LARGE'
  | 'TENSOR_NOT_FOUND'
  | 'NODE_NOT_FOUND'
  | 'INVALID_GRAPH'
  | 'WRITE_FAILED'
  | 'WOULD_OVERWRITE_INPUT'
  | 'CANCELLED'
  | 'USAGE';

export interface FrostErrorDetails {
  /** The file the problem is in, when there is one. */
  file?: string;
  /** Byte offset in that file where the problem was found. */
  offset?: number;
  /** The underlying error (an fs error, a protobuf decode error). */
  cause?: unknown;
}

export class FrostError extends Error {
  override readonly name = 'FrostError';
  readonly code: FrostErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;

  constructor(code: FrostErrorCode, message: string, details: FrostErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
  }

  /** A plain object that survives JSON / IPC. */
  toJSON(): { code: FrostErrorCode; message: string; file?: string; offset?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.offset === undefined ? {} : { offset: this.offset }),
    };
  }
}

export function isFrostError(e: unknown): e is FrostError {
  return e instanceof FrostError;
}

/** Maps a Node fs error on `file` to a FrostError with a readable sentence. */
export function fsError(e: unknown, file: string, doing = 'read'): FrostError {
  const code = (e as { code?: unknown } | null)?.code;
  const writing = doing !== 'read';
  // A failed write is WRITE_FAILED whatever the cause (issue #8, safe outputs): the reader of
  // the code learns that nothing was written, the sentence says why.
  if (code === 'ENOENT' && writing) return new FrostError('WRITE_FAILED', `Could not write ${file}: its folder does not exist.`, { file, cause: e });
  if (code === 'ENOENT') return new FrostError('FILE_NOT_FOUND', `${file} does not exist.`, { file, cause: e });
  if ((code === 'EACCES' || code === 'EPERM') && writing) return new FrostError('WRITE_FAILED', `Could not write ${file}: permission denied.`, { file, cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new FrostError('FILE_UNREADABLE', `${file} cannot be read: permission denied.`, { file, cause: e });
  if (code === 'EISDIR') return new FrostError('FILE_UNREADABLE', `${file} is a folder, not a file.`, { file, cause: e });
  if (code === 'ENOSPC') return new FrostError('WRITE_FAILED', `Could not write ${file}: the disk is full.`, { file, cause: e });
  if (code === 'EDQUOT') return new FrostError('WRITE_FAILED', `Could not write ${file}: the disk quota is exhausted.`, { file, cause: e });
  if (code === 'EIO' && writing) return new FrostError('WRITE_FAILED', `Could not write ${file}: the disk reported an input/output error.`, { file, cause: e });
  if (code === 'EROFS') return new FrostError('WRITE_FAILED', `Could not write ${file}: the file system is read-only.`, { file, cause: e });
  const why = e instanceof Error ? e.message : String(e);
  return doing === 'read'
    ? new FrostError('FILE_UNREADABLE', `${file} could not be read (${why}).`, { file, cause: e })
    : new FrostError('WRITE_FAILED', `Could not write ${file} (${why}).`, { file, cause: e });
}
