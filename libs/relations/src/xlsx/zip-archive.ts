import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/** Thrown when a file is not a readable ZIP archive (not a workbook, or still being written). */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_EOCD_SEARCH = 22 + 0xffff;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) throw new ZipFormatError('unexpected end of file');
  return buffer;
}

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('ZIP offset too large');
  return Number(value);
}

/**
 * A ZIP archive read through its central directory, so any entry can be streamed in any order
 * (an .xlsx is a ZIP of XML parts). Stored and deflated entries and ZIP64 are supported;
 * encrypted entries are not.
 */
export class ZipArchive {
  private constructor(
    readonly path: string,
    private readonly entries: Map<string, ZipEntry>,
  ) {}

  static async open(path: string): Promise<ZipArchive> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const tailLength = Math.min(size, MAX_EOCD_SEARCH);
      if (tailLength < 22) throw new ZipFormatError('file too small to be a ZIP archive');
      const tail = await readAt(handle, size - tailLength, tailLength);
      let eocd = -1;
      for (let i = tail.length - 22; i >= 0; i--) {
        if (tail.readUInt32LE(i) === EOCD) {
          eocd = i;
          break;
        }
      }
      if (eocd < 0) throw new ZipFormatError('no ZIP end-of-central-directory record');
      let count = tail.readUInt16LE(eocd + 10);
      let directorySize = tail.readUInt32LE(eocd + 12);
      let directoryOffset = tail.readUInt32LE(eocd + 16);
      if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
        const locator = eocd - 20;
        if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR)
          throw new ZipFormatError('ZIP64 locator missing');
        const record = await readAt(handle, u64(tail, locator + 8), 56);
        if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('ZIP64 record missing');
        count = u64(record, 32);
        directorySize = u64(record, 40);
        directoryOffset = u64(record, 48);
      }
      const directory = await readAt(handle, directoryOffset, directorySize);
      return new ZipArchive(path, ZipArchive.parseDirectory(directory, count));
    } finally {
      await handle.close();
    }
  }

  private static parseDirectory(directory: Buffer, count: number): Map<string, ZipEntry> {
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let n = 0; n < count; n++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER)
        throw new ZipFormatError('corrupt ZIP central directory');
      const flags = directory.readUInt16LE(at + 8);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
      const entry: ZipEntry = {
        name,
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        localHeaderOffset: directory.readUInt32LE(at + 42),
      };
      if (flags & 1) throw new ZipFormatError(`ZIP entry ${name} is encrypted`);
      // ZIP64 extra field: the 64-bit values of the fields saturated above, in this order.
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = directory.readUInt16LE(extra);
        const length = directory.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          if (entry.size === 0xffffffff) {
            entry.size = u64(directory, field);
            field += 8;
          }
          if (entry.compressedSize === 0xffffffff) {
            entry.compressedSize = u64(directory, field);
            field += 8;
          }
          if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = u64(directory, field);
        }
        extra += 4 + length;
      }
      entries.set(name.replace(/^\//, ''), entry);
      at = extraEnd + commentLength;
    }
    return entries;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Streams an entry's uncompressed bytes. */
  async stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipFormatError(`ZIP entry ${name} is missing`);
    const handle = await open(this.path, 'r');
    let header: Buffer;
    try {
      header = await readAt(handle, entry.localHeaderOffset, 30);
    } finally {
      await handle.close();
    }
    if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new ZipFormatError(`corrupt ZIP entry ${name}`);
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (entry.compressedSize === 0) return Readable.from([]);
    const raw = createReadStream(this.path, {
      start,
      end: start + entry.compressedSize - 1,
      highWaterMark: 256 * 1024,
    });
    if (entry.method === 0) return raw;
    if (entry.method !== 8)
      throw new ZipFormatError(`ZIP entry ${name} uses compression method ${entry.method}`);
    // pipeline, not pipe: a read error fails the inflater, and an inflater closed early (the reader
    // stopped) closes the file too.
    return pipeline(raw, createInflateRaw({ chunkSize: 64 * 1024 }), () => undefined);
  }

  /** An entry's whole text (for the small parts: workbook, relationships, shared strings). */
  async text(name: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}
