import { z } from 'zod';
import { dayToMs } from './days.js';

/**
 * The identifiers every payload, command, setting and API parameter accepts, defined once so that
 * the bot, the worker, the API and the command line agree on what is valid.
 */

/** An EC2 instance id: "i-" and 8 (older instances) or 17 lowercase hex digits, as EC2 issues them. */
export const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** An AWS region name such as us-east-1 or us-gov-west-1. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const instanceIdSchema = z.string().regex(INSTANCE_ID_PATTERN, 'an instance id such as i-0123456789abcdef0');
export const regionSchema = z.string().regex(REGION_PATTERN, 'an AWS region such as us-east-1');
/** A calendar day as YYYY-MM-DD (2018-02-30 is refused, not rolled over). */
export const daySchema = z.string().refine(
  (s) => {
    try {
      dayToMs(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a day as YYYY-MM-DD' },
);
