import { JsonBytes } from '@app/newsroom/projections/deal-read.model';

describe('JSON written as UTF-8 bytes', () => {
  it('gives back the text written, past its first buffer and in characters of every width', () => {
    const out = new JsonBytes();
    const pieces = ['{"entries":['];
    for (let i = 0; i < 5_000; i++) pieces.push(`${i > 0 ? ',' : ''}{"outlet":"Les Échos ${i}","note":"€ ${i} 株式 😀"}`);
    pieces.push(']}');
    for (const piece of pieces) out.write(piece);
    const bytes = out.take();
    expect(bytes.byteLength).toBeGreaterThan(64 * 1024);
    expect(bytes.toString('utf8')).toBe(pieces.join(''));
    expect(JSON.parse(bytes.toString('utf8')).entries[4_999]).toEqual({ outlet: 'Les Échos 4999', note: '€ 4999 株式 😀' });
  });

  it('starts again empty once its bytes are taken, leaving those taken as they were', () => {
    const out = new JsonBytes();
    const first = out.write('[1,').write('2]').take();
    const second = out.write('{"a":"b"}').take();
    expect(first.toString('utf8')).toBe('[1,2]');
    expect(second.toString('utf8')).toBe('{"a":"b"}');
    expect(out.take().byteLength).toBe(0);
  });
});
