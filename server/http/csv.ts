/** One CSV cell: quoted when it holds a quote, a comma or a line break. */
const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows as CSV with a header line, and a BOM so that Excel reads the Thai correctly. */
export function csvLines(lines: readonly (readonly unknown[])[]): string {
  return `\uFEFF${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** `rows` as CSV, one column per [key, header]. */
export function csvTable<Row>(columns: readonly (readonly [keyof Row, string])[], rows: readonly Row[]): string {
  return csvLines([columns.map(([, header]) => header), ...rows.map((row) => columns.map(([key]) => row[key]))]);
}
