/**
 * Slack's documented Block Kit limits (docs.slack.dev/reference/block-kit), checked by the stand-in
 * the way Slack does: a payload over a limit is answered `invalid_blocks`, never truncated. The
 * numbers are Slack's, written out here independently of src/bot/blocks/kit.ts.
 */

type Json = Record<string, unknown>;

/**
 * Whether a `slack_file` id may be shown on this surface: undefined when it may, else Slack's
 * reason. Slack refuses private files (uploaded without channel_id) and files whose share has not
 * completed yet with `invalid slack file`.
 */
export type FileAccess = (fileId: string) => string | undefined;

const text = (o: unknown): string =>
  typeof o === 'object' && o !== null && typeof (o as Json)['text'] === 'string' ? ((o as Json)['text'] as string) : '';

function checkElement(e: Json, where: string, problems: string[], files: FileAccess): void {
  const type = e['type'];
  if (type === 'button') {
    if (text(e['text']).length > 75) problems.push(`${where}: button text over 75`);
    if (typeof e['value'] === 'string' && e['value'].length > 2000) problems.push(`${where}: button value over 2000`);
    if (typeof e['action_id'] === 'string' && e['action_id'].length > 255)
      problems.push(`${where}: action_id over 255`);
  }
  if (type === 'static_select' || type === 'overflow') {
    const options = (e['options'] as Json[] | undefined) ?? [];
    const max = type === 'overflow' ? 5 : 100;
    if (options.length > max) problems.push(`${where}: ${options.length} options (max ${max})`);
    for (const o of options) {
      if (text(o['text']).length > 75) problems.push(`${where}: option text over 75`);
      if (typeof o['value'] === 'string' && o['value'].length > 150) problems.push(`${where}: option value over 150`);
    }
    const initial = e['initial_option'] as Json | undefined;
    if (
      initial !== undefined &&
      !options.some((o) => o['value'] === initial['value'] && text(o['text']) === text(initial['text']))
    ) {
      problems.push(`${where}: initial_option is not one of the options`);
    }
  }
  if (type === 'image') checkImage(e, where, problems, files);
}

function checkImage(b: Json, where: string, problems: string[], files: FileAccess): void {
  const file = b['slack_file'] as Json | undefined;
  if (b['image_url'] === undefined && file === undefined)
    problems.push(`${where}: image without image_url or slack_file`);
  if (file !== undefined) {
    const problem = typeof file['id'] === 'string' ? files(file['id']) : 'slack_file without an id';
    if (problem !== undefined) problems.push(`${where}: invalid slack file [${where}/slack_file]: ${problem}`);
  }
  if (typeof b['alt_text'] !== 'string' || b['alt_text'].length > 2000)
    problems.push(`${where}: image alt_text missing or over 2000`);
}

function checkBlock(b: Json, i: number, problems: string[], files: FileAccess): void {
  const where = `block ${i} (${String(b['type'])})`;
  switch (b['type']) {
    case 'section': {
      if (text(b['text']).length > 3000) problems.push(`${where}: text over 3000`);
      const fields = (b['fields'] as Json[] | undefined) ?? [];
      if (fields.length > 10) problems.push(`${where}: ${fields.length} fields (max 10)`);
      for (const f of fields) if (text(f).length > 2000) problems.push(`${where}: field over 2000`);
      if (b['text'] === undefined && fields.length === 0) problems.push(`${where}: neither text nor fields`);
      if (b['accessory'] !== undefined) checkElement(b['accessory'] as Json, where, problems, files);
      break;
    }
    case 'header':
      if (text(b['text']).length > 150) problems.push(`${where}: text over 150`);
      break;
    case 'context': {
      const elements = (b['elements'] as Json[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 10)
        problems.push(`${where}: ${elements.length} elements (1 to 10)`);
      for (const e of elements) if (text(e).length > 3000) problems.push(`${where}: element text over 3000`);
      break;
    }
    case 'actions': {
      const elements = (b['elements'] as Json[] | undefined) ?? [];
      if (elements.length === 0 || elements.length > 25)
        problems.push(`${where}: ${elements.length} elements (1 to 25)`);
      for (const e of elements) checkElement(e, where, problems, files);
      break;
    }
    case 'image':
      checkImage(b, where, problems, files);
      break;
    case 'divider':
      break;
    default:
      problems.push(`${where}: block type not used by costbot`);
  }
  if (typeof b['block_id'] === 'string' && b['block_id'].length > 255) problems.push(`${where}: block_id over 255`);
}

/** Problems with a list of blocks on a surface: "message" holds 50 blocks, a modal or Home tab 100. */
export function blockProblems(blocks: unknown, surface: 'message' | 'view', files: FileAccess): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  const problems: string[] = [];
  const max = surface === 'message' ? 50 : 100;
  if (blocks.length > max) problems.push(`${blocks.length} blocks (max ${max})`);
  const ids = new Set<string>();
  blocks.forEach((b: Json, i) => {
    checkBlock(b, i, problems, files);
    const id = b['block_id'];
    if (typeof id === 'string') {
      if (ids.has(id)) problems.push(`block ${i}: duplicate block_id ${id}`);
      ids.add(id);
    }
  });
  return problems;
}

/** Problems with a view (modal or home). */
export function viewProblems(view: unknown, files: FileAccess): string[] {
  if (typeof view !== 'object' || view === null) return ['view missing'];
  const v = view as Json;
  const problems = blockProblems(v['blocks'], 'view', files);
  if (v['type'] === 'modal') {
    if (text(v['title']).length === 0 || text(v['title']).length > 24) problems.push('modal title empty or over 24');
    if (typeof v['private_metadata'] === 'string' && v['private_metadata'].length > 3000)
      problems.push('private_metadata over 3000');
  } else if (v['type'] !== 'home') {
    problems.push(`view type ${String(v['type'])}`);
  }
  return problems;
}
