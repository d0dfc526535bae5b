import { logger } from '../src/logger.js';

// Job and request logs would drown the test report; LOG_LEVEL=debug npm test shows them.
logger.level = process.env['LOG_LEVEL'] ?? 'silent';
