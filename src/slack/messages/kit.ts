import type { types } from '@slack/bolt';

/**
 * Small Block Kit constructors that clamp every string to Slack's documented limits, so a long
 * service name or reasoning text shortens with "…" instead of getting the message rejected.
 * Lists stay under the block limits by paging (see the page builders).
 */

export type Block = types.KnownBlock;
export type Button = types.Button;
export type Option = types.PlainTextOption;
export type ActionsElement = types.ActionsBlockElement;

/** Slack's documented limits (docs.slack.dev/reference/block-kit). */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  viewTitle: 24,
  privateMetadata: 3000,
  altText: 2000,
} as const;

export function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes the three characters mrkdwn treats as control characters in data shown to users. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const plain = (text: string, max: number = LIMITS.sectionText): types.PlainTextElement => ({
  type: 'plain_text',
  text: clamp(text, max),
  emoji: true,
});

export const mrkdwn = (text: string, max: number = LIMITS.sectionText): types.MrkdwnElement => ({
  type: 'mrkdwn',
  text: clamp(text, max),
});

export const header = (text: string): types.HeaderBlock => ({ type: 'header', text: plain(text, LIMITS.headerText) });

export const divider = (): types.DividerBlock => ({ type: 'divider' });

export function section(
  text: string,
  extra: { fields?: string[]; accessory?: types.SectionBlockAccessory; blockId?: string } = {},
): types.SectionBlock {
  const block: types.SectionBlock = { type: 'section', text: mrkdwn(text) };
  if (extra.fields !== undefined && extra.fields.length > 0) {
    block.fields = extra.fields.slice(0, LIMITS.sectionFields).map((f) => mrkdwn(f, LIMITS.fieldText));
  }
  if (extra.accessory !== undefined) block.accessory = extra.accessory;
  if (extra.blockId !== undefined) block.block_id = extra.blockId;
  return block;
}

export const context = (...texts: string[]): types.ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t, LIMITS.sectionText)),
});

export function button(
  text: string,
  actionId: string,
  value: string,
  extra: { style?: 'primary' | 'danger'; confirm?: types.ConfirmationDialog } = {},
): types.Button {
  if (value.length > LIMITS.buttonValue)
    throw new Error(`button value for ${actionId} is ${value.length} characters (limit ${LIMITS.buttonValue})`);
  const b: types.Button = { type: 'button', text: plain(text, LIMITS.buttonText), action_id: actionId, value };
  if (extra.style !== undefined) b.style = extra.style;
  if (extra.confirm !== undefined) b.confirm = extra.confirm;
  return b;
}

export function option(text: string, value: string): Option {
  if (value.length > LIMITS.optionValue)
    throw new Error(`option value is ${value.length} characters (limit ${LIMITS.optionValue})`);
  return { text: plain(text, LIMITS.optionText), value };
}

export function staticSelect(
  actionId: string,
  placeholder: string,
  options: Option[],
  selected?: Option,
): types.StaticSelect {
  const s: types.StaticSelect = {
    type: 'static_select',
    action_id: actionId,
    placeholder: plain(placeholder, 150),
    options: options.slice(0, LIMITS.selectOptions),
  };
  if (selected !== undefined) s.initial_option = selected;
  return s;
}

export function actions(elements: ActionsElement[], blockId?: string): types.ActionsBlock {
  const block: types.ActionsBlock = { type: 'actions', elements: elements.slice(0, LIMITS.actionsElements) };
  if (blockId !== undefined) block.block_id = blockId;
  return block;
}

/** An image shown from a file uploaded to Slack (files.getUploadURLExternal flow). */
export const slackFileImage = (fileId: string, alt: string, title?: string): types.ImageBlock => ({
  type: 'image',
  slack_file: { id: fileId },
  alt_text: clamp(alt, LIMITS.altText),
  ...(title === undefined ? {} : { title: plain(title, LIMITS.altText) }),
});

/** A Slack message body: blocks plus the notification/fallback text. */
export interface MessageBody {
  text: string;
  blocks: Block[];
}

/** A modal view; `callbackId` names it for view listeners, `privateMetadata` carries the row id. */
export function modal(
  title: string,
  blocks: Block[],
  extra: { callbackId?: string; privateMetadata?: string } = {},
): types.ModalView {
  return {
    type: 'modal',
    title: plain(title, LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewTitle),
    blocks: blocks.slice(0, LIMITS.viewBlocks),
    ...(extra.callbackId === undefined ? {} : { callback_id: extra.callbackId }),
    ...(extra.privateMetadata === undefined
      ? {}
      : { private_metadata: clamp(extra.privateMetadata, LIMITS.privateMetadata) }),
  };
}
