import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalies, recommendations } from '../../src/db/schema/index.js';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/charts/canvas.js';
import { finalResponse, startHarness, textOf, USERS, type Harness } from './helpers/bot-harness.js';
import { decodePng, HUE, pixelsWhere } from './helpers/png.js';
import { instanceIdOf, scopeName, seedRealData, type Seeded } from './helpers/seed.js';

const clock = { now: new Date('2019-01-01T09:00:00Z') };
let h: Harness;
let seeded: Seeded;

beforeAll(async () => {
  h = await startHarness({ clock, seed: async (db, config) => void (seeded = await seedRealData(db, config)) });
});
afterAll(async () => h?.close());

type View = { blocks: Record<string, unknown>[]; private_metadata?: string; title: { text: string } };

/** Waits for the n-th call of a views method made after `from`. */
async function viewCall(method: string, from: number, n = 0) {
  return h.slack.waitFor(method, () => h.slack.callsOf(method)[from + n]);
}

async function anomalyRow(where: (a: typeof anomalies.$inferSelect) => boolean) {
  const rows = await h.db.db.select().from(anomalies);
  return rows.find(where)!;
}

describe('detail modals with charts uploaded through the external upload flow', () => {
  it('anomaly detail: root cause by dollar contribution, affected services, impact and the trend chart', async () => {
    // The real detector's anomaly of one service with the largest drop and a root cause of several parts.
    const a = seeded.anomalies
      .filter((x) => x.service !== null && x.impactUsd < 0 && (x.rootCause as unknown[]).length > 1)
      .sort((x, y) => Math.abs(y.impactUsd) - Math.abs(x.impactUsd))[0]!;
    const opens = h.slack.callsOf('views.open').length;
    const updates = h.slack.callsOf('views.update').length;
    await h.sender.click({ actionId: 'anomaly_detail', value: String(a.id), user: USERS.alice });
    const opened = await viewCall('views.open', opens);
    expect(textOf((opened.args['view'] as View).blocks)).toContain('Rendering the cost trend chart');
    const updated = await viewCall('views.update', updates);
    const view = updated.args['view'] as View;
    expect(updated.response['ok']).toBe(true);
    expect(view.private_metadata).toBe(String(a.id));
    const text = textOf(view.blocks);
    const cause = a.rootCause as { dimension: string; value: string; deltaUsd: number }[];
    expect(cause.length).toBeGreaterThan(1);
    expect(text).toContain('*Root cause, by dollar contribution*');
    // One line per cause: the slice (account · service · region · usage type) contributing most first.
    const top = cause
      .filter((x) => x.dimension === 'slice')
      .sort((x, y) => Math.abs(y.deltaUsd) - Math.abs(x.deltaUsd))[0]!;
    expect(text).toContain(`1. *${top.value}*: -$`);
    expect(text).toContain(`*Affected services*\n${a.service}`);
    // The chart went through getUploadURLExternal -> upload -> completeUploadExternal and is shown by file id.
    const image = view.blocks.find((b) => b['type'] === 'image') as { slack_file: { id: string } };
    const fileId = image.slack_file.id;
    const asked = h.slack.callsOf('files.getUploadURLExternal').find((c) => c.response['file_id'] === fileId)!;
    expect(Number(asked.args['length'])).toBe(h.slack.uploads.get(fileId)!.length);
    // Shared into the user's DM with costbot (a private file would be refused in the modal).
    expect(h.slack.messagesIn(`D${USERS.alice.slice(1)}`).some((m) => m.files?.[0]?.id === fileId)).toBe(true);
    const png = await decodePng(h.slack.uploads.get(fileId)!);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(pixelsWhere(png, HUE.blue).length).toBeGreaterThan(500);
    expect(pixelsWhere(png, HUE.red).length).toBeGreaterThan(20);
  });

  it('renders and uploads a chart once: Details clicked again reuses the shared file', async () => {
    const a = seeded.anomalies.find((x) => x.service !== null)!;
    const open = async () => {
      const updates = h.slack.callsOf('views.update').length;
      await h.sender.click({ actionId: 'anomaly_detail', value: String(a.id), user: USERS.alice });
      const view = (await viewCall('views.update', updates)).args['view'] as View;
      return (view.blocks.find((b) => b['type'] === 'image') as { slack_file: { id: string } }).slack_file.id;
    };
    const first = await open();
    const uploads = h.slack.callsOf('files.getUploadURLExternal').length;
    expect(await open()).toBe(first);
    expect(await open()).toBe(first);
    expect(h.slack.callsOf('files.getUploadURLExternal').length).toBe(uploads);
  });

  it('shows the detail without the image, saying where the chart is, when Slack refuses the image block', async () => {
    const a = seeded.anomalies.filter((x) => x.service !== null).at(-1)!;
    h.slack.refuseSlackFiles = true;
    try {
      const updates = h.slack.callsOf('views.update').length;
      await h.sender.click({ actionId: 'anomaly_detail', value: String(a.id), user: USERS.bob });
      const refused = await viewCall('views.update', updates);
      expect(refused.response['error']).toBe('invalid_blocks');
      const shown = await viewCall('views.update', updates, 1);
      expect(shown.response['ok']).toBe(true);
      const blocks = (shown.args['view'] as View).blocks;
      expect(blocks.some((b) => b['type'] === 'image')).toBe(false);
      expect(textOf(blocks)).toContain('the chart is in your direct messages with costbot');
    } finally {
      h.slack.refuseSlackFiles = false;
    }
  });

  it('recommendation detail: utilization figures and CPU and memory percentile charts', async () => {
    const instanceId = instanceIdOf(25);
    const [rec] = await h.db.db.select().from(recommendations).where(eq(recommendations.instanceId, instanceId));
    const updates = h.slack.callsOf('views.update').length;
    await h.sender.click({ actionId: 'recommendation_detail', value: String(rec!.id), user: USERS.alice });
    const view = (await viewCall('views.update', updates)).args['view'] as View;
    const text = textOf(view.blocks);
    expect(text).toContain('*Utilization over the lookback*');
    expect(text).toMatch(/CPU p99: \d+\.\d %/);
    const images = view.blocks.filter((b) => b['type'] === 'image') as {
      slack_file: { id: string };
      alt_text: string;
    }[];
    expect(images.map((i) => i.alt_text.split(' ')[0])).toEqual(['CPU', 'Memory']);
    for (const i of images) expect((await decodePng(h.slack.uploads.get(i.slack_file.id)!)).width).toBe(CHART_WIDTH);
  });

  it('feedback in a modal is stored on the anomaly and shown as selected', async () => {
    const a = await anomalyRow((x) => x.feedback === null);
    const updates = h.slack.callsOf('views.update').length;
    await h.sender.click({
      actionId: 'anomaly_feedback_expected',
      value: `${a.id}:expected`,
      user: USERS.alice,
      view: { id: 'V-open', type: 'modal', blocks: [] },
    });
    const view = (await viewCall('views.update', updates)).args['view'] as View;
    const [row] = await h.db.db.select().from(anomalies).where(eq(anomalies.id, a.id));
    expect(row).toMatchObject({ feedback: 'expected', feedbackBy: USERS.alice });
    const selected = JSON.stringify(view.blocks).match(
      /"action_id":"anomaly_feedback_expected","value":"\d+:expected","style":"primary"/,
    );
    expect(selected).not.toBeNull();
  });

  it('feedback on a message answers the clicker and stores the answer', async () => {
    const a = await anomalyRow((x) => x.feedback === null);
    const responseId = h.sender.nextId('fb');
    await h.sender.click({
      actionId: 'anomaly_feedback_not-anomaly',
      value: `${a.id}:not-anomaly`,
      user: USERS.bob,
      responseId,
      ephemeral: false,
    });
    expect((await finalResponse(h.slack, responseId)).text).toContain(`anomaly #${a.id} marked “Not an anomaly”`);
    const [row] = await h.db.db.select().from(anomalies).where(eq(anomalies.id, a.id));
    expect(row).toMatchObject({ feedback: 'not-anomaly', feedbackBy: USERS.bob });
  });
});

describe('App Home and shortcuts', () => {
  it('publishes the dashboard on app_home_opened and again on Refresh', async () => {
    const before = h.slack.callsOf('views.publish').length;
    const ack = await h.sender.event({
      type: 'app_home_opened',
      user: USERS.alice,
      channel: 'D0ALICE',
      tab: 'home',
      event_ts: '1.2',
    });
    expect(ack.status).toBe(200);
    const published = await viewCall('views.publish', before);
    expect(published.args['user_id']).toBe(USERS.alice);
    const text = textOf((published.args['view'] as View).blocks);
    const topAnomaly = seeded.anomalies
      .filter((x) => x.endDay >= '2018-12-03')
      .sort((x, y) => Math.abs(y.impactUsd) - Math.abs(x.impactUsd))[0]!;
    expect(text).toContain('*Top anomalies (last 30 days, largest impact)*');
    expect(text).toContain(scopeName(topAnomaly));
    expect(text).toContain('*Top right-sizing recommendations*');
    // 6 and 12 months reach past the 92 days of history: the forecaster marks them low confidence.
    expect(text).toMatch(
      /\*3 months:\* \$[\d,.]+\n\*6 months:\* \$[\d,.]+ :warning: low confidence\n\*12 months:\* \$[\d,.]+ :warning: low confidence/,
    );
    expect(text).toContain('*Models*');
    await h.sender.click({
      actionId: 'home_refresh',
      value: 'refresh',
      user: USERS.alice,
      view: { id: 'V-home', type: 'home' },
    });
    await viewCall('views.publish', before, 1);
  });

  it('the global shortcut opens a loading modal and fills it with the dashboard', async () => {
    const opens = h.slack.callsOf('views.open').length;
    const updates = h.slack.callsOf('views.update').length;
    expect((await h.sender.globalShortcut('cost_dashboard', USERS.alice)).status).toBe(200);
    expect(textOf(((await viewCall('views.open', opens)).args['view'] as View).blocks)).toContain(
      'Loading the dashboard',
    );
    const filled = (await viewCall('views.update', updates)).args['view'] as View;
    expect(filled.title.text).toBe('Cost dashboard');
    expect(textOf(filled.blocks)).toContain('*Potential savings:*');
  });

  it('"explain this cost" on a message that is not an alert says so', async () => {
    const opens = h.slack.callsOf('views.open').length;
    await h.sender.messageShortcut('explain_cost', USERS.alice, 'C0COSTS', '1600000000.000100');
    expect(textOf(((await viewCall('views.open', opens)).args['view'] as View).blocks)).toContain(
      'This message is not a costbot alert',
    );
  });
});
