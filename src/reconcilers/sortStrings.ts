/**
 * `strings.sort()`, in place, for the few paths and keys sorted per promotion: an insertion
 * sort allocates nothing, while `Array#sort` allocates its working state on every call.
 * Both order by UTF-16 code units, so the result is the same.
 */
export const sortStrings = (strings: string[]): string[] => {
  if (strings.length > 16) return strings.sort();
  for (let i = 1; i < strings.length; i++) {
    const s = strings[i]!;
    let j = i - 1;
    for (; j >= 0 && strings[j]! > s; j--) strings[j + 1] = strings[j]!;
    strings[j + 1] = s;
  }
  return strings;
};
