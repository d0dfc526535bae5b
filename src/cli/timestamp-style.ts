/**
 * Formats new timestamps in the style of the input's own (the forecast CLI echoes its input):
 * epoch seconds or milliseconds, a bare date, or a date-time with the same separator, seconds,
 * fraction digits and zone suffix (Z or a fixed offset); anything else becomes ISO 8601.
 */
export function timestampFormatter(sample: string): (ms: number) => string {
  const s = sample.trim();
  if (/^\d+$/.test(s)) return Number(s) < 1e11 ? (ms) => String(Math.round(ms / 1000)) : (ms) => String(Math.round(ms));
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return (ms) => new Date(ms).toISOString().slice(0, 10);
  const m = /^\d{4}-\d{2}-\d{2}([ T])\d{2}:\d{2}(:\d{2})?(\.\d+)?([zZ]|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return (ms) => new Date(ms).toISOString();
  const [, sep, seconds, fraction, zone] = m;
  const offsetMs = zone && !/^[zZ]$/.test(zone) ? zoneOffsetMs(zone) : 0;
  return (ms) => {
    const iso = new Date(ms + offsetMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ, shifted to the zone
    let out = `${iso.slice(0, 10)}${sep}${iso.slice(11, 16)}`;
    if (seconds) out += iso.slice(16, 19);
    if (seconds && fraction)
      out += `.${iso
        .slice(20, 23)
        .padEnd(fraction.length - 1, '0')
        .slice(0, Math.max(fraction.length - 1, 1))}`;
    return out + (zone ?? '');
  };
}

function zoneOffsetMs(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}
