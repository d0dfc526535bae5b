import { context, header, section, type MessageBody } from './kit.js';
import { TIP } from './tooltips.js';

const COMMANDS = [
  '`/cost anomalies [7d|30d|90d] [severity] [service]`: cost anomalies, largest impact first. A severity shows that level and worse.\n   e.g. `/cost anomalies 7d high AmazonEC2`',
  '`/cost rightsize [instance-id | top N]`: EC2 right-sizing cards with “Apply recommendation”.\n   e.g. `/cost rightsize top 5` or `/cost rightsize i-0123456789abcdef0`',
  '`/cost forecast [3|6|12] [service NAME | account ID]`: spend forecast for the next months (this month: actual to date + the rest) with intervals, method, trend and drivers.\n   e.g. `/cost forecast 6 service AmazonEC2`',
  '`/cost status`: last collection, training and scoring runs, model versions, data freshness.',
  '`/cost help`: this help.',
];

export function helpMessage(): MessageBody {
  return {
    text: 'costbot help',
    blocks: [
      header('costbot: AWS cost anomalies, right-sizing and forecasts'),
      section(COMMANDS.join('\n')),
      section(
        '*Also:* the *Home* tab is a dashboard; the ⚡ shortcut “Cost dashboard” opens it anywhere; on an alert message, “Explain this cost” opens its detail. ' +
          '“Apply recommendation” asks an approver first; nothing changes until they approve.',
      ),
      context(TIP.score, TIP.severity, TIP.impact),
      context(TIP.risk, TIP.confidence, TIP.interval),
    ],
  };
}

export function usageMessage(problem: string): MessageBody {
  return {
    text: `Usage: ${problem}`,
    blocks: [
      section(`:grey_question: Sorry, ${problem}.\n*Usage:* \`/cost anomalies|rightsize|forecast|status|help\``),
      section(
        '*Example:* `/cost anomalies 30d high` — high and critical cost anomalies of the last 30 days.\n`/cost help` lists every command with an example.',
      ),
    ],
  };
}

export function errorMessage(message: string): MessageBody {
  return { text: message, blocks: [section(`:warning: ${message}`)] };
}
