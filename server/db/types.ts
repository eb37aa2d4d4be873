/**
 * A hot path's statement (tiles, evaluation, the live snapshot), made with `statement()` in
 * db/sql.ts. PostgreSQL plans it once per connection and reuses the plan, instead of parsing and
 * planning the same text at every request; `name` is derived from the text, so two texts never
 * share a name.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** What every data module needs from a database, whichever engine is behind it. */
export interface Queryable {
  /** Parametrised query ($1, $2 …); rows come back as plain objects. */
  query<Row>(sql: string | Statement, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
}

type Engine = 'embedded' | 'postgis';

export interface Db extends Queryable {
  readonly engine: Engine;
  /** Runs `work` in one transaction: all of it commits or none of it does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onPayload` for every NOTIFY on `channel` by any process on this database, after the
   * notifying transaction commits. Returns a function that stops listening. An engine whose
   * listening connection can be lost (a database restart) listens again when it is back and
   * then calls `onGap`: notifications sent in between are lost.
   */
  listen(channel: string, onPayload: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  /**
   * Throws (DatabaseUnavailable) if the database does not answer. Only for an engine whose
   * database is elsewhere; an in-process one is there as long as the process is, and checking it
   * would wait behind whatever it is busy with.
   */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
