import { createServer, type Socket } from 'node:net';

/**
 * Serves one PGlite instance over the Postgres wire protocol to any number of connections.
 *
 * PGlite is a single session. pglite-socket (0.2) queues *single protocol messages* from all
 * connections, so one client's Parse/Bind/Execute can land between another's Parse and Sync, and
 * unnamed statements and portals are clobbered ("portal "" cannot be run" under concurrent
 * parameterized queries, measured here). This server queues whole message groups instead: a
 * connection's messages up to and including Sync, Query or Flush run as one unit, and a connection
 * inside a transaction (or between a Flush and its Sync, as server-side cursors are) keeps the
 * session until it leaves it. Other connections wait their turn; nothing interleaves.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const FLUSH = 0x48; // 'H'
const TERMINATE = 0x58; // 'X'

/** What the server needs of a PGlite instance. */
export interface PgliteSession {
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(
    message: Uint8Array,
    options: { onRawData: (data: Uint8Array) => void },
  ): Promise<void>;
  isInTransaction(): boolean;
  exec(query: string): Promise<unknown>;
}

interface Unit {
  connection: number;
  bytes: Uint8Array;
  /** The group ended with Flush: the extended-protocol sequence continues, keep the session. */
  holdsSession: boolean;
  reply(data: Uint8Array): void;
}

class SessionQueue {
  private queue: Unit[] = [];
  private running = false;
  private owner: number | null = null;

  constructor(private readonly db: PgliteSession) {}

  submit(unit: Unit): void {
    this.queue.push(unit);
    void this.drain();
  }

  private next(): Unit | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((unit) => unit.connection === this.owner);
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let unit = this.next(); unit; unit = this.next()) {
        const current = unit;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.bytes, { onRawData: current.reply }),
          );
        } catch {
          // PGlite reports protocol-level errors to the client as ErrorResponse messages already.
        }
        this.owner = this.db.isInTransaction() || current.holdsSession ? current.connection : null;
      }
    } finally {
      this.running = false;
    }
  }

  /** A connection closed: drop its queued work and end its open transaction, if it held one. */
  async release(connection: number): Promise<void> {
    this.queue = this.queue.filter((unit) => unit.connection !== connection);
    if (this.owner === connection) {
      this.owner = null;
      await this.db.exec('ROLLBACK').catch(() => undefined);
    }
    void this.drain();
  }
}

class WireConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private started = false;

  constructor(
    private readonly id: number,
    private readonly socket: Socket,
    private readonly session: SessionQueue,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.session.release(this.id));
  }

  private submit(bytes: Buffer, holdsSession: boolean): void {
    this.session.submit({
      connection: this.id,
      bytes,
      holdsSession,
      reply: (data) => {
        if (!this.socket.destroyed) this.socket.write(Buffer.from(data));
      },
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N'); // no encryption: the server listens on loopback only
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end(); // query cancellation is not supported
          return;
        }
        this.started = true;
        this.submit(Buffer.from(message), false);
        continue;
      }
      if (this.buffer.length < 5) return;
      const total = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < total) return;
      const type = this.buffer[0]!;
      const message = Buffer.from(this.buffer.subarray(0, total));
      this.buffer = this.buffer.subarray(total);
      if (type === TERMINATE) {
        this.socket.end();
        return;
      }
      this.pending.push(message);
      if (type === SYNC || type === QUERY || type === FLUSH) {
        const group = this.pending.length === 1 ? message : Buffer.concat(this.pending);
        this.pending = [];
        this.submit(group, type === FLUSH);
      }
    }
  }
}

export interface PgliteWireServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `db` on host:port (0 picks a free port). */
export function servePglite(
  db: PgliteSession,
  options: { host: string; port: number },
): Promise<PgliteWireServer> {
  const session = new SessionQueue(db);
  const sockets = new Set<Socket>();
  let nextId = 1;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new WireConnection(nextId++, socket, session);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
