// Group commit for the embedded DynamoDB's LevelDB (classic-level), in its worker thread.
//
// dynalite writes one item at a time and waits for each write while it holds the item's lock; each
// LevelDB write is a trip to libuv's thread pool and back. Under load every request updates the same
// few items (its key's limit window, its tenant's usage of the day), so those trips queue behind
// one another. Here a write is applied at once to an overlay that reads see first, and written to
// LevelDB with the others of the same moment in one batch, in the order they were made, one batch
// at a time.
//
// Durability stays what it was: `afterWrites` runs an answer only once every write made before it
// is in LevelDB (written as before, `sync: false`: a crash of the process loses nothing answered,
// an OS crash may lose the last writes, as LevelDB's own log). Nothing is ever answered from the
// overlay alone. LevelDB's iterators do not see the overlay: operations that iterate (Query, Scan,
// table listings and deletions) wait until the writes made before they started are in LevelDB,
// which every write answered before they started already is.

interface Pending {
  /** The encoded value; `undefined` for a deletion. */
  value: string | undefined;
  /** The write's number; the entry leaves the overlay once that write is in LevelDB. */
  seq: number;
}

interface Operation {
  type: 'put' | 'del';
  key: string;
  value?: string;
}

interface ReadOptions {
  valueEncoding?: string;
}

/** The private methods of classic-level's ClassicLevel (abstract-level's contract) that are replaced. */
export interface LevelPrototype {
  _put(key: unknown, value: unknown, options: unknown): Promise<void>;
  _del(key: unknown, options: unknown): Promise<void>;
  _batch(operations: Array<{ type: string; key: unknown; value?: unknown }>, options: unknown): Promise<void>;
  _get(key: unknown, options: ReadOptions): Promise<unknown>;
  _getSync(key: unknown, options: ReadOptions): unknown;
}

export interface WriteBehind {
  /**
   * Runs `then` once every write made so far is in LevelDB (at once when none is pending), with the
   * disk's error if a batch failed: then nothing made since can be answered as done.
   */
  afterWrites(then: (failure: Error | undefined) => void): void;
  /** Resolves once every write made so far is in LevelDB (or failed). */
  drained(): Promise<void>;
  /** Writes made, and batches they were written in (for tests and figures). */
  stats(): { writes: number; batches: number };
}

const asString = (what: string, value: unknown): string => {
  // dynalite's database encodes keys as utf8 and values as JSON (text): nothing else reaches here.
  if (typeof value !== 'string') throw new Error(`the embedded DynamoDB's write-behind takes text ${what}s only`);
  return value;
};

/**
 * Replaces the write and read methods of `prototype` (ClassicLevel's, in the worker thread: one
 * database) with the overlay and the batched writes. A failed batch (a disk error) fails every
 * answer from then on: what the overlay holds can no longer be made durable.
 */
export const installWriteBehind = (prototype: LevelPrototype): WriteBehind => {
  const { _batch: writeBatch, _getSync: readSync } = prototype;
  const overlay = new Map<string, Pending>();
  let queue: Operation[] = [];
  let database: LevelPrototype | undefined;
  let made = 0;
  let written = 0;
  let batches = 0;
  let writing = false;
  let failure: Error | undefined;
  const waiting: Array<{ seq: number; then: (failure: Error | undefined) => void }> = [];

  const release = (): void => {
    while (waiting.length > 0 && (waiting[0]?.seq ?? 0) <= written) waiting.shift()?.then(failure);
  };

  const flush = (): void => {
    if (writing || queue.length === 0 || !database) return;
    const operations = queue;
    const last = made;
    queue = [];
    writing = true;
    batches += 1;
    writeBatch.call(database, operations, {}).then(
      () => {
        writing = false;
        written = last;
        for (const operation of operations) {
          const pending = overlay.get(operation.key);
          if (pending && pending.seq <= last) overlay.delete(operation.key);
        }
        release();
        flush();
      },
      (error: unknown) => {
        writing = false;
        failure = new Error('the embedded DynamoDB could not write to disk', { cause: error });
        // Every answer waiting and to come fails (see afterWrites).
        written = Number.POSITIVE_INFINITY;
        release();
      },
    );
  };

  const record = (db: LevelPrototype, operation: Operation): Promise<void> => {
    if (failure) return Promise.reject(failure);
    database = db;
    made += 1;
    overlay.set(operation.key, { value: operation.value, seq: made });
    queue.push(operation);
    // The other writes of this turn of the event loop go in the same batch.
    if (queue.length === 1 && !writing) setImmediate(flush);
    return Promise.resolve();
  };

  prototype._put = function put(this: LevelPrototype, key, value) {
    return record(this, { type: 'put', key: asString('key', key), value: asString('value', value) });
  };
  prototype._del = function del(this: LevelPrototype, key) {
    return record(this, { type: 'del', key: asString('key', key) });
  };
  prototype._batch = function batch(this: LevelPrototype, operations) {
    let recorded = Promise.resolve();
    for (const operation of operations) {
      recorded =
        operation.type === 'put'
          ? record(this, { type: 'put', key: asString('key', operation.key), value: asString('value', operation.value) })
          : record(this, { type: 'del', key: asString('key', operation.key) });
    }
    return recorded;
  };
  // Reads in place: the overlay first, then LevelDB synchronously. classic-level's `get` goes to the
  // thread pool and back, which costs more than a read from LevelDB's memtable and cache, on a
  // thread that does nothing else; `getSync` takes the same options and gives the same result.
  prototype._get = function get(this: LevelPrototype, key, options) {
    if (failure) return Promise.reject(failure);
    const pending = typeof key === 'string' ? overlay.get(key) : undefined;
    if (!pending) {
      try {
        return Promise.resolve(readSync.call(this, key, options));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (pending.value === undefined) return Promise.resolve(undefined);
    return Promise.resolve(options.valueEncoding === 'utf8' ? pending.value : Buffer.from(pending.value, 'utf8'));
  };

  const afterWrites = (then: (failure: Error | undefined) => void): void => {
    if (written >= made) then(failure);
    else waiting.push({ seq: made, then });
  };
  return {
    afterWrites,
    drained: () => new Promise<void>((resolve) => afterWrites(() => resolve())),
    stats: () => ({ writes: made, batches }),
  };
};
