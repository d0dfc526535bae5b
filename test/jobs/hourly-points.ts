import type { NewMetricPoint } from '../../src/db/schema/index.js';
import { reported } from '../rightsize/traces.js';

/**
 * CloudWatch's hourly statistics of a real 5-minute Bitbrains trace as reported on `type`, as
 * GetMetricData returns them (Average, Maximum, p95, p99 of the hour's samples), shifted to end at `end`.
 */
export function hourlyPoints(
  instanceId: string,
  kind: 'idle' | 'busy' | 'spiky',
  type: string,
  end: Date,
): NewMetricPoint[] {
  const samples = reported(kind, type);
  const shift = end.getTime() - samples.times[samples.times.length - 1]! - 3_600_000;
  const hours = new Map<number, { cpu: number[]; mem: number[] }>();
  samples.times.forEach((t, i) => {
    const hour = Math.floor((t + shift) / 3_600_000) * 3_600_000;
    const h = hours.get(hour) ?? { cpu: [], mem: [] };
    h.cpu.push(samples.cpuPercent[i]!);
    h.mem.push(samples.memPercent![i]!);
    hours.set(hour, h);
  });
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
    return { avg: s.reduce((a, b) => a + b, 0) / s.length, max: s[s.length - 1]!, p95: q(0.95), p99: q(0.99) };
  };
  return [...hours].flatMap(([hour, h]) => [
    { instanceId, metric: 'cpu' as const, ts: new Date(hour), periodSeconds: 3600, ...stats(h.cpu) },
    { instanceId, metric: 'mem' as const, ts: new Date(hour), periodSeconds: 3600, ...stats(h.mem) },
  ]);
}
