export interface Bar {
  label: string;
  value: number;
  /** The value as shown (money, tokens). */
  text: string;
}

/**
 * A horizontal bar chart in plain HTML: each bar is a list item with its number written out, so
 * screen readers and narrow screens get the same split as the chart.
 */
export const BarList = ({ title, bars, id }: { title: string; bars: readonly Bar[]; id: string }) => {
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  return (
    <figure class="bar-list" aria-labelledby={`${id}-title`} data-testid={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {bars.length === 0 ? (
        <p class="muted">Nothing in this range.</p>
      ) : (
        <ul>
          {bars.map((bar) => (
            <li key={bar.label}>
              <span class="bar-label" title={bar.label}>
                {bar.label}
              </span>
              <span class="bar-track" aria-hidden="true">
                <span class="bar-fill" style={{ width: `${max > 0 ? Math.max(1, (bar.value / max) * 100) : 0}%` }} />
              </span>
              <span class="bar-value">{bar.text}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
};
