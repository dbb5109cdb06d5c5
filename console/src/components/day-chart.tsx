import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { formatCompact, formatUsd } from '../format.ts';

export interface DayPoint {
  day: string;
  cost: number;
  tokens: number;
}

/** Chart colours come from the page's CSS variables, so the canvas follows the light or dark theme. */
const themeColor = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const useColorScheme = (): string => {
  const [scheme, setScheme] = useState(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  useEffect(() => {
    const query = matchMedia('(prefers-color-scheme: dark)');
    const update = (): void => setScheme(query.matches ? 'dark' : 'light');
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return scheme;
};

/** Cost (bars, left axis) and tokens (line, right axis) per UTC day, with uPlot. */
export const DayChart = ({ points, label }: { points: readonly DayPoint[]; label: string }) => {
  const container = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const text = themeColor('--text');
    const grid = themeColor('--grid');
    const accent = themeColor('--accent');
    const second = themeColor('--accent-2');
    const axis = (scale: string, format: (value: number) => string, side?: 1): uPlot.Axis => ({
      scale,
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      values: (_chart, values) => values.map(format),
      // Wide enough for the longest label ($0.000800 is wider than $12).
      size: (_chart, values) => 16 + 7.5 * Math.max(2, ...(values ?? []).map((value) => value.length)),
      ...(side ? { side } : {}),
    });
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 240,
        // Usage days are UTC days: label them as such, whatever the browser's time zone.
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, usd: { range: (_chart, _min, max) => [0, max > 0 ? max * 1.1 : 1] }, tokens: {} },
        series: [
          { label: 'Day', value: (_chart, value) => (value === null ? '–' : new Date(value * 1000).toISOString().slice(0, 10)) },
          {
            label: 'Cost',
            scale: 'usd',
            stroke: accent,
            fill: `${accent}99`,
            paths: uPlot.paths.bars?.({ size: [0.6, 48] }),
            value: (_chart, value) => (value === null ? '–' : formatUsd(value)),
          },
          {
            label: 'Tokens',
            scale: 'tokens',
            stroke: second,
            width: 2,
            points: { show: true, size: 5 },
            value: (_chart, value) => (value === null ? '–' : formatCompact(value)),
          },
        ],
        axes: [
          { stroke: text, grid: { show: false }, ticks: { stroke: grid, width: 1 } },
          axis('usd', (value) => formatUsd(value)),
          { ...axis('tokens', (value) => formatCompact(value), 1), grid: { show: false } },
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      [
        points.map((point) => Date.parse(point.day) / 1000),
        points.map((point) => point.cost),
        points.map((point) => point.tokens),
      ],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [points, scheme]);
  return <div class="chart" ref={container} role="img" aria-label={label} data-testid="day-chart" />;
};
