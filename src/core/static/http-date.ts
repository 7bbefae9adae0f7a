// HTTP-date (RFC 9110 §5.6.7), parsed strictly: the preferred IMF-fixdate and the two obsolete forms a
// recipient must still accept (rfc850-date, asctime-date), all in GMT, and nothing else. Hand-written:
// Date.parse accepts far more ("1", "2099", ISO 8601, dates without a zone read in the server's local
// time), and §13.1.3/§13.1.4 require an invalid date in If-Modified-Since or If-Unmodified-Since to be
// ignored, not acted on. (jshttp's `fresh` also uses Date.parse.)

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_L = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';

// Sun, 06 Nov 1994 08:49:37 GMT
const imfFixdate = new RegExp(`^${DAY}, (\\d\\d) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// Sunday, 06-Nov-94 08:49:37 GMT
const rfc850 = new RegExp(`^${DAY_L}, (\\d\\d)-${MONTH}-(\\d\\d) ${TIME} GMT$`);
// Sun Nov  6 08:49:37 1994 (the day of the month space-padded)
const asctime = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d\\d) ${TIME} (\\d{4})$`);

/** Milliseconds since the epoch, or undefined when `value` is not an HTTP-date. */
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  const v = value.trim();
  let m = imfFixdate.exec(v);
  if (m !== null) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = rfc850.exec(v);
  if (m !== null) return utc(fullYear(Number(m[3]), now), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = asctime.exec(v);
  if (m !== null) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), m[3]!, m[4]!, m[5]!);
  return undefined;
}

// §5.6.7: a two-digit year that appears to be more than 50 years in the future is the most recent past
// year with the same last two digits.
function fullYear(yy: number, now: number): number {
  const thisYear = new Date(now).getUTCFullYear();
  let year = thisYear - (thisYear % 100) + yy;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function utc(year: number, month: string, day: number, h: string, min: string, s: string): number | undefined {
  const mon = MONTHS.indexOf(month);
  const hour = Number(h);
  const minute = Number(min);
  const second = Number(s);
  // §5.6.7 allows a leap second (60) in the grammar; it is read as the next second, as Date.UTC does.
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined;
  // 31 Feb and the like roll over in Date.UTC: not a date.
  if (new Date(Date.UTC(year, mon, day)).getUTCDate() !== day) return undefined;
  return Date.UTC(year, mon, day, hour, minute, second);
}
