import { fileURLToPath } from 'node:url';

/** The real recorded files the AWS stand-ins serve in tests (see test/fixtures/aws/README.md). */
export const fixtureDir = fileURLToPath(new URL('../fixtures/aws/', import.meta.url));

export const fixture = (name: string): string => `${fixtureDir}${name}`;

export const FIXTURES = {
  describeInstancesXml: fixture('responses_ec2-describe-instances.xml'),
  describeInstanceTypesJson: fixture('ec2-describe-instance-types-25.json'),
  pricingItemM5Large: fixture('pricing-getproducts-m5.large-item.json'),
  nabCpu: fixture('nab_ec2_cpu_utilization_5f5533.head480.csv'),
  nabNetworkIn: fixture('nab_ec2_network_in_257a54.head480.csv'),
  bitbrainsVm: fixture('bitbrains_2013-7_vm1.head480.csv'),
  curParquet: ['10', '11', '12'].map((m) => fixture(`cur-2018-${m}-day01.parquet`)),
  catalogCsv: fixture('catalog_ec2-us-east-1-2026-07.m5-t3-c5-m6g.csv'),
};
