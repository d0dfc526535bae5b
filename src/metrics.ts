/** The utilisation metrics costbot stores per instance and hour (CloudWatch, and the agent's memory). */
export type MetricName = 'cpu' | 'network_in' | 'network_out' | 'mem';
