import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../src/access/csv';

describe('CSV export', () => {
  // RFC 4180: quote fields with separators, quotes or line breaks; double the quotes.
  it('escapes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  // A name that starts like a formula must not run when the file is opened in a spreadsheet.
  it('neutralises formula injection', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
  });

  it('joins rows with CRLF and keeps unicode', () => {
    expect(toCsv(['Name', 'App'], [['Zoë, "Z"', 'Slack'], ['Bo', null]])).toBe('Name,App\r\n"Zoë, ""Z""",Slack\r\nBo,\r\n');
  });
});
