import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { CsvParser, type CsvRecord } from '../csv/csv-parser';

/**
 * The file changed (its size or modification time moved, or its bytes no longer hash to what was
 * first read) while it was being ingested: it is probably still being written. Nothing was loaded and
 * nothing was recorded in records.ingestions; the caller leaves the file where it is and tries again
 * once it stops changing.
 */
export class FileChangedError extends Error {
  override name = 'FileChangedError';

  constructor(readonly file: string) {
    super(`${file} changed while it was read; it is read again once it stops changing`);
  }
}

/** The file is rejected whole (bad header, empty, not UTF-8): status 'rejected', nothing loaded. */
export class RejectedFile extends Error {
  override name = 'RejectedFile';
}

const CHUNK = 256 * 1024;

/** What identifies one version of an open file: its size and modification time (nanoseconds). */
interface Version {
  size: bigint;
  mtimeNs: bigint;
}

/**
 * A contacts file opened once: the hash pass and every parse pass read this one handle from position
 * 0, so a file replaced under its name (mv) while it is ingested is not mixed in, and what is loaded
 * is what the ledger's hash describes. A file written to meanwhile is detected by `assertUnchanged`
 * (size or modification time moved since open) and by comparing a parse pass's hash with the first.
 */
export class ContactsFile {
  private constructor(
    /** The file's name (no directory), as the ledger records it. */
    readonly name: string,
    private readonly handle: FileHandle,
    private readonly opened: Version,
  ) {}

  /** Opens the file for reading; throws what open() throws (e.g. ENOENT). */
  static async open(path: string): Promise<ContactsFile> {
    const handle = await open(path, 'r');
    try {
      return new ContactsFile(basename(path), handle, await versionOf(handle));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Whether the file's size or modification time differ from when it was opened. */
  async changed(): Promise<boolean> {
    const now = await versionOf(this.handle);
    return now.size !== this.opened.size || now.mtimeNs !== this.opened.mtimeNs;
  }

  /** Throws FileChangedError when the file changed since it was opened. */
  async assertUnchanged(): Promise<void> {
    if (await this.changed()) throw new FileChangedError(this.name);
  }

  /** The file's bytes, read from position 0 to its end, in chunks of up to 256 KiB. */
  async *chunks(): AsyncGenerator<Buffer> {
    for (let position = 0; ;) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }

  /** SHA-256 of the file's content (hex). */
  async sha256(): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of this.chunks()) hash.update(chunk);
    return hash.digest('hex');
  }

  /**
   * The file's records, from its start; every byte read is also fed to `read`, so that the caller can
   * check that what it parsed is what it hashed. Text is decoded as strict UTF-8: a file with an
   * invalid byte sequence (e.g. saved as Latin-1) is rejected whole, naming the line of the first bad
   * byte, rather than loaded with U+FFFD in place of its accented letters; one bad row usually means
   * the whole file has the wrong encoding, and rejecting the file keeps the other rows from loading
   * under a different spelling.
   */
  async *records(read: Hash): AsyncGenerator<CsvRecord> {
    const parser = new CsvParser();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      for await (const chunk of this.chunks()) {
        read.update(chunk);
        yield* parser.push(decoder.decode(chunk, { stream: true }));
      }
      yield* parser.push(decoder.decode());
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
      const line = await this.lineOfInvalidUtf8();
      throw new RejectedFile(
        `the file is not valid UTF-8 (first invalid byte on line ${line}); save it as UTF-8`,
      );
    }
    yield* parser.end();
  }

  /** The line (1-based; CRLF, LF or CR end a line) of the file's first byte that is not valid UTF-8. */
  private async lineOfInvalidUtf8(): Promise<number> {
    let line = 1;
    let afterCR = false;
    let need = 0; // continuation bytes still expected
    let lower = 0x80;
    let upper = 0xbf;
    for await (const chunk of this.chunks()) {
      for (const b of chunk) {
        if (need > 0) {
          if (b < lower || b > upper) return line;
          need--;
          lower = 0x80;
          upper = 0xbf;
          continue;
        }
        if (b < 0x80) {
          if (b === 0x0d || (b === 0x0a && !afterCR)) line++;
          afterCR = b === 0x0d;
          continue;
        }
        afterCR = false;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          if (b === 0xe0) lower = 0xa0; // no overlong forms
          if (b === 0xed) upper = 0x9f; // no surrogates
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f; // nothing past U+10FFFF
        } else return line;
      }
    }
    return line; // a sequence cut short by the end of the file
  }
}

async function versionOf(handle: FileHandle): Promise<Version> {
  const stat = await handle.stat({ bigint: true });
  return { size: stat.size, mtimeNs: stat.mtimeNs };
}
