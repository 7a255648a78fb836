/**
 * Rule: a data file in an ASiC-E is a plain file in the container's root. Its name is 1–255
 * characters, has no `/` or `\` (no folders, no Windows separators), no `..`, no control
 * characters, and is neither `mimetype` nor `META-INF` (both reserved by the format, compared
 * case-insensitively because case-insensitive file systems would merge them); names in one
 * container are unique.
 *
 * Stricter than Difi's library, which allows folders: the integration point's own messages
 * carry flat names, and a flat name can be written to disk by a receiver without path checks.
 *
 * @see https://www.etsi.org/deliver/etsi_en/319100_319199/31916201/ ETSI EN 319 162-1 §4.4.2 (META-INF is reserved), §A.1 (mimetype)
 */

/** Longest data file name, in characters (Unicode code points). */
export const MAX_FILE_NAME_LENGTH = 255;

/**
 * Why `name` cannot be a data file name, or `undefined` when it can.
 *
 * @param name the proposed data file name
 * @returns a human reason naming the broken rule, or `undefined`
 */
export function fileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a file name must be a non-empty string';
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  if ([...name].length > MAX_FILE_NAME_LENGTH) return `file name ${shown} is longer than ${MAX_FILE_NAME_LENGTH} characters`;
  if (name.includes('/') || name.includes('\\')) return `file name ${shown} has a "/" or "\\": folders are not allowed`;
  if (name.includes('..')) return `file name ${shown} has ".."`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return `file name ${shown} has a control character`;
  if (/^(mimetype|meta-inf)$/i.test(name)) return `file name ${shown} is reserved by the ASiC-E format`;
  return undefined;
}

/**
 * The problems of a list of data file names: each name's {@link fileNameProblem}, and every name
 * given twice.
 *
 * @returns one human reason per problem, in input order (empty when all names are fine)
 */
export function fileNameProblems(names: readonly unknown[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const problem = fileNameProblem(name);
    if (problem) {
      problems.push(problem);
      continue;
    }
    if (seen.has(name as string)) problems.push(`file name ${JSON.stringify(name)} is used twice`);
    seen.add(name as string);
  }
  return problems;
}
