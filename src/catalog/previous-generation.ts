/**
 * Families whose types EC2 reports as `CurrentGeneration: false` (DescribeInstanceTypes), as
 * recorded for every type in every region by ec2instances.info on 2024-04-03
 * (vantage-sh/ec2instances.info @ a19cd859f059, `opszero-app/instances.json`, field
 * "current-generation"; the same data as ../shared/data/pricing/ec2-all-regions-2024-04.json).
 * The catalog CSV carries only a generation number, not this flag. Families launched since then
 * are current, which is what an absent entry means here.
 */
const PREVIOUS_GENERATION_FAMILIES: ReadonlySet<string> = new Set([
  'a1',
  'c1',
  'c3',
  'cc2',
  'cr1',
  'd2',
  'g2',
  'hs1',
  'i2',
  'm1',
  'm2',
  'm3',
  'r3',
  't1',
]);

export function isCurrentGenerationFamily(family: string): boolean {
  return !PREVIOUS_GENERATION_FAMILIES.has(family);
}
