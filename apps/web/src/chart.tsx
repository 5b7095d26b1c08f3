import { Chart, Legend, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartDataset } from 'chart.js';
import annotationPlugin, { type AnnotationOptions } from 'chartjs-plugin-annotation';
import { useEffect, useRef } from 'preact/hooks';
import type { AmountPoint, ChartData } from './chart-data';
import { words } from './ui';

Chart.register(ScatterController, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, annotationPlugin);

/** A colour per deal status, light enough for the points drawn over it. */
export const STATUS_COLOURS: Record<string, string> = {
  rumored: '#eef2f7',
  in_talks: '#dbeafe',
  offer_made: '#fef3c7',
  agreed: '#dcfce7',
  announced: '#bbf7d0',
  completed: '#86efac',
  talks_ended: '#fee2e2',
  abandoned: '#fecaca',
};

/** Tick labels by month over long spans, by day over short ones (so two ticks never read the same). */
const tickLabel = (ms: number, span: number) => new Date(ms).toISOString().slice(0, span > 400 * 86_400_000 ? 7 : 10);

function points(list: AmountPoint[]) {
  return list.map((point) => ({ x: point.x, y: point.y, point }));
}

/**
 * The deal's history with valid time across: status bands behind, price and
 * offer points (hollow while unreviewed, crossed out when not counting), and a
 * red line at each open conflict. The canvas has a text summary; the table
 * beside it carries the same facts for screen readers.
 */
export function HistoryChart({ data, summary }: { data: ChartData; summary: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'scatter'> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const pad = Math.max(30 * 86_400_000, (data.max - data.min) * 0.04);
    const annotations: Record<string, AnnotationOptions> = {};
    data.bands.forEach((band, index) => {
      annotations[`band${index}`] = {
        type: 'box',
        xMin: band.from,
        xMax: band.to,
        backgroundColor: STATUS_COLOURS[band.status] ?? '#f3f4f6',
        borderWidth: 0,
        drawTime: 'beforeDatasetsDraw',
        label: { display: true, content: words(band.status), position: { x: 'start', y: 'start' }, color: '#1f2937', font: { size: 11 } },
      };
    });
    data.conflicts.forEach((conflict, index) => {
      annotations[`conflict${index}`] = {
        type: 'line',
        xMin: conflict.x,
        xMax: conflict.x,
        borderColor: '#b91c1c',
        borderWidth: 2,
        borderDash: [6, 4],
        label: { display: true, content: `conflict: ${words(conflict.reason)}`, position: 'center', backgroundColor: '#b91c1c', color: '#fff', font: { size: 11 } },
      };
    });
    const style = (list: AmountPoint[], colour: string): Partial<ChartDataset<'scatter'>> => ({
      backgroundColor: list.map((p) => (p.verdict === 'unreviewed' || !p.counts ? '#ffffff' : colour)),
      borderColor: list.map((p) => (p.inConflict ? '#b91c1c' : colour)),
      pointStyle: list.map((p) => (p.counts ? 'circle' : 'crossRot')),
      pointRadius: 6,
      pointHoverRadius: 8,
      borderWidth: 2,
    });
    const config = {
      type: 'scatter' as const,
      data: {
        datasets: [
          { label: 'Price', data: points(data.prices), ...style(data.prices, '#1d4ed8') },
          { label: 'Offers', data: points(data.offers), ...style(data.offers, '#b45309') },
        ],
      },
      options: {
        animation: false as const,
        maintainAspectRatio: false,
        parsing: false as const,
        scales: {
          x: { type: 'linear' as const, min: data.min - pad, max: data.max + pad, ticks: { callback: (value: string | number) => tickLabel(Number(value), data.max - data.min + 2 * pad), maxTicksLimit: 8 } },
          y: {
            type: 'linear' as const,
            beginAtZero: true,
            grace: '10%',
            title: { display: true, text: data.currency ? `amount (${data.currency})` : 'amount' },
            ticks: { callback: (value: string | number) => Intl.NumberFormat('en', { notation: 'compact' }).format(Number(value)) },
          },
        },
        plugins: {
          annotation: { annotations },
          tooltip: { callbacks: { label: (item: { raw: unknown }) => (item.raw as { point: AmountPoint }).point.label } },
          legend: { position: 'bottom' as const, labels: { usePointStyle: true } },
        },
      },
    };
    chart.current?.destroy();
    chart.current = new Chart(canvas.current, config as never);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [data]);

  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
