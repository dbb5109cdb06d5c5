/** One CSV field: quoted when it holds a separator, quote or line break; formulas neutralised for spreadsheets. */
const field = (value: unknown): string => {
  let text = value === undefined || value === null ? '' : String(value);
  // A tenant or key name starting with = + - @ would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const toCsv = (columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string =>
  `${[columns.map(field).join(','), ...rows.map((row) => columns.map((column) => field(row[column])).join(','))].join('\r\n')}\r\n`;

/** Saves text as a file through a temporary link (no server round trip, allowed by the CSP). */
export const download = (fileName: string, text: string, type = 'text/csv;charset=utf-8'): void => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
};
