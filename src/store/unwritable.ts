/** Errors that mean "this storage cannot be written now" (full, read-only, no permission), not a bug. */
const UNWRITABLE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

export function isUnwritable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (UNWRITABLE.has((e as NodeJS.ErrnoException).code ?? '')) return true;
  }
  return false;
}
