/**
 * The utilization metrics costbot stores per instance and hour (CloudWatch, and the agent's
 * memory); values are CloudWatch's own units (percent, bytes per period).
 */
export type MetricName = 'cpu' | 'network_in' | 'network_out' | 'mem';
