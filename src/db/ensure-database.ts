import postgres from 'postgres';
import { DatabaseUnavailableError } from '../errors.js';

/** Seconds to wait for PostgreSQL to accept a connection before saying it cannot be reached. */
const CONNECT_TIMEOUT_SECONDS = 10;

/** host:port/database of a URL, without the user or password, for messages. */
export function describeDatabaseUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}/${databaseName(url)}`;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** The error's code: a PostgreSQL SQLSTATE (e.g. 3D000) or a Node socket code (e.g. ECONNREFUSED). */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** One readable sentence for a connection or login failure. */
export function databaseProblem(url: string, err: unknown): DatabaseUnavailableError {
  const where = describeDatabaseUrl(url);
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const reason =
    code === 'ECONNREFUSED'
      ? 'nothing accepts connections there: is PostgreSQL running, and are the host and port in DATABASE_URL right?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name in DATABASE_URL does not resolve'
        : code === 'CONNECT_TIMEOUT'
          ? `no answer within ${CONNECT_TIMEOUT_SECONDS} s: is the host reachable from here?`
          : code === '28P01' || code === '28000'
            ? `login refused (${message}): check the user and password in DATABASE_URL`
            : message;
  return new DatabaseUnavailableError(`cannot use the database ${where}: ${reason}`, { cause: err });
}

async function probe(url: string): Promise<unknown> {
  const sql = postgres(url, { max: 1, connect_timeout: CONNECT_TIMEOUT_SECONDS, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Makes sure the database named in `url` exists: creates it, from the server's `postgres`
 * database, when PostgreSQL says it does not (SQLSTATE 3D000). Returns whether it created it.
 * Any other problem (server down, login refused, no right to create) is a
 * DatabaseUnavailableError with one readable sentence.
 */
export async function ensureDatabase(url: string): Promise<{ created: boolean }> {
  const err = await probe(url);
  if (err === undefined) return { created: false };
  if (codeOf(err) !== '3D000') throw databaseProblem(url, err);
  const name = databaseName(url);
  const admin = withDatabase(url, 'postgres');
  const sql = postgres(admin, { max: 1, connect_timeout: CONNECT_TIMEOUT_SECONDS, onnotice: () => {} });
  try {
    await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    return { created: true };
  } catch (createErr) {
    // Another process created it meanwhile: that is what was wanted.
    if (codeOf(createErr) === '42P04') return { created: false };
    const why =
      codeOf(createErr) === '42501'
        ? `the user has no right to create databases (${(createErr as Error).message}); create it yourself or grant CREATEDB`
        : (createErr as Error).message;
    throw new DatabaseUnavailableError(
      `the database ${describeDatabaseUrl(url)} does not exist and cannot be created: ${why}`,
      { cause: createErr },
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
}
