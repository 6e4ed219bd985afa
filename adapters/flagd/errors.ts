/** A flag definition file that is not JSON/YAML, breaks the flagd schema, or is inconsistent (dangling `$ref`,
 *  a fractional bucket naming a variant the flag does not have). The caller adds which file. Raised while mapping
 *  one flag, it skips that flag only (map.ts). */
export class FlagdFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'FlagdFileError';
  }
}
