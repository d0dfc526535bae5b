import { FORECAST_HORIZONS, type ForecastHorizon } from '../../../db/queries/forecasts.js';
import { RANGES, type Range } from '../../../slack/messages/view-state.js';
import { SEVERITIES, type Severity } from '../../../ml/anomaly/severity.js';
import { hasControlCharacter, INSTANCE_ID_PATTERN } from '../../../ids.js';

/** What `/cost <text>` asks for. */
export type CostCommand =
  | { kind: 'anomalies'; range: Range; minSeverity?: Severity; service?: string }
  | { kind: 'rightsize'; instanceId: string }
  | { kind: 'rightsize'; top: number }
  | { kind: 'forecast'; horizon: ForecastHorizon; scope: string }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'usage'; problem: string };

export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

function parseAnomalies(args: string[]): CostCommand {
  let range: Range = '30d';
  let minSeverity: Severity | undefined;
  const rest: string[] = [];
  for (const arg of args) {
    const lower = arg.toLowerCase();
    if ((RANGES as readonly string[]).includes(lower)) range = lower as Range;
    else if (/^\d+d$/.test(lower))
      return { kind: 'usage', problem: `"${arg}" is not an offered range: use 7d, 30d or 90d` };
    else if ((SEVERITIES as readonly string[]).includes(lower) && minSeverity === undefined)
      minSeverity = lower as Severity;
    else rest.push(arg);
  }
  const service = rest.join(' ');
  if (service.length > 100) return { kind: 'usage', problem: 'the service name is longer than 100 characters' };
  if (hasControlCharacter(service)) return { kind: 'usage', problem: 'the service name has a control character in it' };
  return { kind: 'anomalies', range, ...(minSeverity ? { minSeverity } : {}), ...(service ? { service } : {}) };
}

function parseRightsize(args: string[]): CostCommand {
  if (args.length === 0) return { kind: 'rightsize', top: DEFAULT_TOP };
  const [first, second, ...extra] = args;
  if (args.length === 1 && first !== undefined && INSTANCE_ID_PATTERN.test(first.toLowerCase())) {
    return { kind: 'rightsize', instanceId: first.toLowerCase() };
  }
  if (first?.toLowerCase() === 'top' && extra.length === 0) {
    const n = second === undefined ? DEFAULT_TOP : Number(second);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_TOP) return { kind: 'rightsize', top: n };
    return { kind: 'usage', problem: `"top ${second ?? ''}" needs a whole number from 1 to ${MAX_TOP}` };
  }
  return { kind: 'usage', problem: `"${args.join(' ')}" is neither an instance id (i-0123456789abcdef0) nor "top N"` };
}

/** `forecast [3|6|12] [service NAME | account ID]`: the horizon (default 3) and the scope (default the total). */
function parseForecast(args: string[]): CostCommand {
  let horizon: ForecastHorizon = 3;
  let rest = args;
  const n = Number(args[0]?.replace(/m(onths?)?$/i, ''));
  if (args[0] !== undefined && /^\d/.test(args[0])) {
    if (!(FORECAST_HORIZONS as readonly number[]).includes(n))
      return { kind: 'usage', problem: `"${args[0]}" is not an offered horizon: use 3, 6 or 12 (months)` };
    horizon = n as ForecastHorizon;
    rest = args.slice(1);
  }
  if (rest.length === 0) return { kind: 'forecast', horizon, scope: 'total' };
  const [kind, ...name] = rest;
  const value = name.join(' ');
  const dimension = kind?.toLowerCase();
  if ((dimension !== 'service' && dimension !== 'account') || value === '') {
    return {
      kind: 'usage',
      problem: `"${rest.join(' ')}" is not a forecast scope: use \`service NAME\` or \`account ID\` after the horizon`,
    };
  }
  if (value.length > 100 || hasControlCharacter(value))
    return { kind: 'usage', problem: 'the scope name is longer than 100 characters or has a control character' };
  if (dimension === 'account' && !/^\d{12}$/.test(value))
    return { kind: 'usage', problem: `"${value}" is not an AWS account id (12 digits)` };
  return { kind: 'forecast', horizon, scope: `${dimension}:${value}` };
}

/** Parses the text after `/cost`. Never throws: anything unknown becomes `usage` with the reason. */
export function parseCostCommand(text: string): CostCommand {
  const [sub, ...args] = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  switch (sub?.toLowerCase()) {
    case 'anomalies':
    case 'anomaly':
      return parseAnomalies(args);
    case 'rightsize':
    case 'right-size':
    case 'rightsizing':
      return parseRightsize(args);
    case 'forecast':
      return parseForecast(args);
    case 'status':
      return args.length === 0 ? { kind: 'status' } : { kind: 'usage', problem: '`status` takes no arguments' };
    case 'help':
      return { kind: 'help' };
    case undefined:
      return { kind: 'usage', problem: 'no subcommand given' };
    default:
      return { kind: 'usage', problem: `"${sub}" is not a costbot command` };
  }
}
