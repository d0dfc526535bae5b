/**
 * Writes EC2 query-protocol XML for a JSON value by walking the SDK's own schema of the output
 * shape (@aws-sdk/client-ec2 exports them, e.g. `DescribeInstanceTypesResult$`): element names
 * come from each member's `xmlName` trait and list items are the member's name (`item`), exactly
 * what the SDK's EC2 deserializer reads. Used to serve the instance selector's recorded
 * DescribeInstanceTypes JSON in the XML shape EC2 itself answers with.
 */

/** The SDK's static schema tuples: [3, ns, name, traits, memberNames, members] for structures, [1, ns, name, traits, member] for lists. */
type SchemaRef = number | unknown[] | (() => unknown);
type MemberEntry = [SchemaRef, Record<string, unknown>?];

function deref(ref: SchemaRef): unknown {
  return typeof ref === 'function' ? ref() : ref;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

function memberXmlName(name: string, traits: Record<string, unknown> | undefined): string {
  const xmlName = traits?.['xmlName'];
  return typeof xmlName === 'string' ? xmlName : name;
}

/** XML for `value` of schema `ref`, without the enclosing element. */
export function valueToXml(ref: SchemaRef, value: unknown): string {
  const schema = deref(ref);
  if (!Array.isArray(schema)) return scalar(value);
  const kind = schema[0] as number;
  if (kind === 3) {
    const names = schema[4] as string[];
    const members = schema[5] as MemberEntry[];
    const obj = value as Record<string, unknown>;
    let out = '';
    names.forEach((name, i) => {
      const v = obj[name];
      if (v === undefined || v === null) return;
      const [memberRef, traits] = members[i]!;
      const tag = memberXmlName(name, traits);
      out += `<${tag}>${valueToXml(memberRef, v)}</${tag}>`;
    });
    return out;
  }
  if (kind === 1) {
    const [itemRef, traits] = schema[4] as MemberEntry;
    const tag = memberXmlName('member', traits);
    return (value as unknown[]).map((v) => `<${tag}>${valueToXml(itemRef, v)}</${tag}>`).join('');
  }
  throw new Error(`ec2-xml: schema kind ${kind} is not supported`);
}

/** A complete `<OperationResponse>` document. */
export function ec2Response(operation: string, resultSchema: unknown, result: Record<string, unknown>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>standin-${operation}</requestId>${valueToXml(resultSchema as SchemaRef, result)}</${operation}Response>`
  );
}

/**
 * Splits the recorded DescribeInstances XML into its reservation `<item>` elements, verbatim.
 * Depth-counts `<item>`/`</item>` so nested items (groups, tags, devices) stay inside.
 */
export function reservationItems(xml: string): string[] {
  const start = xml.indexOf('<reservationSet>');
  const end = xml.lastIndexOf('</reservationSet>');
  if (start < 0 || end < 0) throw new Error('ec2-xml: no <reservationSet> in the recorded response');
  const body = xml.slice(start + '<reservationSet>'.length, end);
  const items: string[] = [];
  const tag = /<item>|<\/item>|<item\/>/g;
  let depth = 0;
  let open = -1;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    if (m[0] === '<item/>') continue;
    if (m[0] === '<item>') {
      if (depth === 0) open = m.index;
      depth++;
    } else {
      depth--;
      if (depth === 0) items.push(body.slice(open, m.index + m[0].length));
    }
  }
  return items;
}
