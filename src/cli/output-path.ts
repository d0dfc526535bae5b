import { constants } from 'node:fs';
import { access, open, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Checks, before any work starts, that `path` can be written: its folder exists and the file can
 * be opened for writing (created and removed again when it did not exist; an existing file is
 * opened for append, so nothing in it changes). Refuses with an InputError naming the flag.
 */
export async function checkOutputPath(path: string, flag: string): Promise<void> {
  const full = resolve(path);
  const folder = dirname(full);
  const folderStat = await stat(folder).catch(() => undefined);
  if (folderStat === undefined) throw new InputError(`--${flag} ${path}: the folder ${folder} does not exist`);
  if (!folderStat.isDirectory()) throw new InputError(`--${flag} ${path}: ${folder} is not a folder`);
  const existing = await stat(full).catch(() => undefined);
  if (existing?.isDirectory()) throw new InputError(`--${flag} ${path}: is a folder; give a file name`);
  let created = false;
  try {
    if (existing === undefined) await access(folder, constants.W_OK);
    const handle = await open(full, existing === undefined ? 'wx' : 'a');
    created = existing === undefined;
    await handle.close();
  } catch (err) {
    throw new InputError(
      `--${flag} ${path}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  } finally {
    if (created) await unlink(full).catch(() => {});
  }
}
