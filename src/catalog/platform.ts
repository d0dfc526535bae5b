/**
 * An instance's operating system and licence, as it is billed. EC2 names it twice: the
 * DescribeInstances PlatformDetails text and the UsageOperation code, the same code the Pricing
 * API's `operation` attribute and the CUR's line_item_operation carry. Codes from AWS's "AMI
 * billing information fields" table.
 */
export interface Platform {
  /** costbot's name, used by `--platform` and stored with prices, e.g. "Windows". */
  name: string;
  /** The catalog's price column part: `ondemand_<slug>_usd_per_hour_<region>`. */
  slug: string;
  /** DescribeInstances UsageOperation and the Pricing API's `operation`. */
  usageOperation: string;
  /** DescribeInstances PlatformDetails. */
  platformDetails: string;
}

export const PLATFORMS: readonly Platform[] = [
  { name: 'Linux', slug: 'linux', usageOperation: 'RunInstances', platformDetails: 'Linux/UNIX' },
  { name: 'Windows', slug: 'windows', usageOperation: 'RunInstances:0002', platformDetails: 'Windows' },
  { name: 'Windows BYOL', slug: 'windows_byol', usageOperation: 'RunInstances:0800', platformDetails: 'Windows BYOL' },
  { name: 'RHEL', slug: 'rhel', usageOperation: 'RunInstances:0010', platformDetails: 'Red Hat Enterprise Linux' },
  {
    name: 'RHEL with HA',
    slug: 'rhel_ha',
    usageOperation: 'RunInstances:1010',
    platformDetails: 'Red Hat Enterprise Linux with HA',
  },
  { name: 'RHEL BYOL', slug: 'rhel_byol', usageOperation: 'RunInstances:00g0', platformDetails: 'Red Hat BYOL Linux' },
  { name: 'SUSE', slug: 'suse', usageOperation: 'RunInstances:000g', platformDetails: 'SUSE Linux' },
  { name: 'Ubuntu Pro', slug: 'ubuntu_pro', usageOperation: 'RunInstances:0g00', platformDetails: 'Ubuntu Pro' },
  {
    name: 'Windows with SQL Server Standard',
    slug: 'windows_sql_standard',
    usageOperation: 'RunInstances:0006',
    platformDetails: 'Windows with SQL Server Standard',
  },
  {
    name: 'Windows with SQL Server Enterprise',
    slug: 'windows_sql_enterprise',
    usageOperation: 'RunInstances:0102',
    platformDetails: 'Windows with SQL Server Enterprise',
  },
  {
    name: 'Windows with SQL Server Web',
    slug: 'windows_sql_web',
    usageOperation: 'RunInstances:0202',
    platformDetails: 'Windows with SQL Server Web',
  },
  {
    name: 'Linux with SQL Server Standard',
    slug: 'linux_sql_standard',
    usageOperation: 'RunInstances:0004',
    platformDetails: 'Linux with SQL Server Standard',
  },
  {
    name: 'Linux with SQL Server Enterprise',
    slug: 'linux_sql_enterprise',
    usageOperation: 'RunInstances:0100',
    platformDetails: 'Linux with SQL Server Enterprise',
  },
  {
    name: 'Linux with SQL Server Web',
    slug: 'linux_sql_web',
    usageOperation: 'RunInstances:0200',
    platformDetails: 'Linux with SQL Server Web',
  },
];

export const LINUX = PLATFORMS[0]!;

/** The platform named by `--platform` (case-insensitive name or slug); null when unknown. */
export function platformNamed(text: string): Platform | null {
  const t = text.trim().toLowerCase();
  return PLATFORMS.find((p) => p.name.toLowerCase() === t || p.slug === t) ?? null;
}

export function platformOfSlug(slug: string): Platform | null {
  return PLATFORMS.find((p) => p.slug === slug) ?? null;
}

/**
 * The billed platform of an instance: UsageOperation first (it is the billing code), else
 * PlatformDetails. Null when neither is one costbot knows, so nothing is priced as Linux by default.
 */
export function platformOfInstance(i: {
  usageOperation: string | null;
  platformDetails: string | null;
}): Platform | null {
  if (i.usageOperation) return PLATFORMS.find((p) => p.usageOperation === i.usageOperation) ?? null;
  if (i.platformDetails) return PLATFORMS.find((p) => p.platformDetails === i.platformDetails) ?? null;
  return null;
}

/** EC2 tenancy as prices are keyed: "host" instances are billed per host, not per instance. */
export type Tenancy = 'shared' | 'dedicated' | 'host';

/** DescribeInstances Placement.Tenancy ("default" | "dedicated" | "host"); absent means shared. */
export function tenancyOf(placementTenancy: string | null | undefined): Tenancy {
  if (placementTenancy === 'dedicated') return 'dedicated';
  if (placementTenancy === 'host') return 'host';
  return 'shared';
}

/** The Pricing API's `tenancy` attribute for a tenancy costbot prices per instance. */
export const PRICING_TENANCY: Record<Exclude<Tenancy, 'host'>, string> = { shared: 'Shared', dedicated: 'Dedicated' };
