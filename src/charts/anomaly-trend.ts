import type { ChartConfiguration } from 'chart.js';
import { InputError } from '../errors.js';
import { COLOURS, renderPng } from './canvas.js';

/** The anomaly trend chart: daily cost around the anomaly and its days marked. */
export interface AnomalyTrendInput {
  title: string;
  /** Daily cost, oldest first, days as YYYY-MM-DD. */
  days: { day: string; usd: number }[];
  startDay: string;
  endDay: string;
  /** The model's expected cost per anomalous day (expected total / days), drawn over those days. */
  expectedPerDayUsd: number;
}

export function anomalyTrendConfig(input: AnomalyTrendInput): ChartConfiguration {
  if (input.days.length < 2) throw new InputError('a trend chart needs at least 2 days of cost');
  const labels = input.days.map((d) => d.day);
  const inWindow = (day: string) => day >= input.startDay && day <= input.endDay;
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'Daily cost (USD)',
          data: input.days.map((d) => d.usd),
          borderColor: COLOURS.cost,
          borderWidth: 2,
          pointRadius: 0,
        },
        {
          label: 'Anomaly days',
          data: input.days.map((d) => (inWindow(d.day) ? d.usd : null)),
          borderColor: COLOURS.anomaly,
          backgroundColor: COLOURS.anomaly,
          borderWidth: 4,
          pointRadius: 4,
          spanGaps: false,
        },
        {
          label: 'Expected (per day)',
          data: input.days.map((d) => (inWindow(d.day) ? input.expectedPerDayUsd : null)),
          borderColor: COLOURS.expected,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: input.title }, legend: { position: 'bottom' } },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: 'USD per day' } },
        x: { ticks: { maxTicksLimit: 12 } },
      },
    },
  };
}

/** PNG of the daily cost around an anomaly. */
export function renderAnomalyTrend(input: AnomalyTrendInput): Promise<Buffer> {
  return renderPng(anomalyTrendConfig(input));
}
