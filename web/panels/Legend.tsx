export interface LegendItem {
  key: string;
  color: string;
  label: string;
}

/** A compact key: swatch + label, one per line, shaped like the symbol on the map. */
export function Legend({ items, shape, testId }: { items: LegendItem[]; shape: 'dot' | 'square'; testId?: string }) {
  return (
    <ul className="legend" data-testid={testId}>
      {items.map((item) => (
        <li key={item.key}>
          <span className={`swatch swatch-${shape}`} style={{ background: item.color }} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
