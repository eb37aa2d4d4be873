export interface LegendItem {
  key: string;
  color: string;
  label: string;
  /** Drawn as a ring, as the map draws it (a silent sensor). */
  hollow?: boolean;
}

/** A compact key: swatch + label, one per line, shaped like the symbol on the map. */
export function Legend({ items, shape, testId }: { items: LegendItem[]; shape: 'dot' | 'square'; testId?: string }) {
  return (
    <ul className="legend" data-testid={testId}>
      {items.map((item) => (
        <li key={item.key}>
          <span
            className={`swatch swatch-${shape}${item.hollow ? ' swatch-hollow' : ''}`}
            style={item.hollow ? { color: item.color } : { background: item.color }}
            aria-hidden="true"
          />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
