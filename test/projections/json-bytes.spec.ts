import { ClaimSourceLists, claimKeyHash, JsonBytes, SpareBuffers } from '@app/newsroom/projections/deal-read.model';

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

  it('writes into a buffer given back, once its earlier response is done with it', () => {
    const buffers = new SpareBuffers();
    const first = new JsonBytes(buffers).write('{"entries":[1,2,3]}').take();
    buffers.give(first);
    const second = new JsonBytes(buffers).write('[4]').take();
    expect(second.buffer).toBe(first.buffer);
    expect(second.toString('utf8')).toBe('[4]');
  });

  it('keeps only whole buffers it allocated, each once', () => {
    const buffers = new SpareBuffers();
    const foreign = Buffer.from('shared with the rest of the process');
    buffers.give(foreign);
    expect(buffers.take(8).buffer).not.toBe(foreign.buffer);

    const mine = buffers.take(64 * 1024);
    buffers.give(mine.subarray(0, 10));
    buffers.give(mine);
    const again = buffers.take(64 * 1024);
    expect(again.buffer).toBe(mine.buffer);
    expect(again.length).toBe(mine.length);
    expect(buffers.take(64 * 1024).buffer).not.toBe(mine.buffer);
  });

  it('keeps no more buffers than it is told to', () => {
    const none = new SpareBuffers(0);
    const given = none.take(64 * 1024);
    none.give(given);
    expect(none.take(64 * 1024).buffer).not.toBe(given.buffer);

    const one = new SpareBuffers(1);
    const [a, b] = [one.take(1_024), one.take(1_024)];
    one.give(a);
    one.give(b);
    expect(one.take(1_024).buffer).toBe(b.buffer);
    expect(one.take(1_024).buffer).not.toBe(a.buffer);
  });

  it('gives back the smaller buffer it outgrew, and takes a kept one large enough', () => {
    const buffers = new SpareBuffers();
    const out = new JsonBytes(buffers);
    out.write('x'.repeat(100));
    out.write('y'.repeat(100 * 1024));
    const grown = out.take();
    expect(grown.toString('utf8')).toBe('x'.repeat(100) + 'y'.repeat(100 * 1024));
    // the 64 KiB it started in was given back when it grew
    const small = buffers.take(1);
    expect(small.length).toBe(64 * 1024);
    buffers.give(grown);
    expect(buffers.take(200 * 1024).buffer).toBe(grown.buffer);
  });
});

describe('claims’ sources so far, kept outside the heap', () => {
  const b = (text: string) => Buffer.from(text, 'utf8');
  const listOf = (lists: ClaimSourceLists, claimId: string) => {
    const out = new JsonBytes(new SpareBuffers());
    lists.writeTo(b(claimId), out);
    return out.take().toString('utf8');
  };

  it('sets, appends after a comma, and writes nothing for a claim not seen', () => {
    const lists = new ClaimSourceLists();
    lists.set(b('a'), b('{"outlet":"Les Échos"}'));
    lists.set(b('b'), b(''));
    lists.append(b('a'), b('{"outlet":"日経"}'));
    lists.append(b('b'), b('{"outlet":"Reuters"}'));
    lists.append(b('c'), b('{"outlet":"Bloomberg"}'));
    expect(listOf(lists, 'a')).toBe('{"outlet":"Les Échos"},{"outlet":"日経"}');
    expect(listOf(lists, 'b')).toBe('{"outlet":"Reuters"}');
    expect(listOf(lists, 'c')).toBe('{"outlet":"Bloomberg"}');
    expect(listOf(lists, 'd')).toBe('');
    lists.set(b('a'), b('{"outlet":"AFP"}'));
    expect(listOf(lists, 'a')).toBe('{"outlet":"AFP"}');
  });

  it('tells apart claims whose ids hash alike', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const other = seen.get(claimKeyHash(b(id)));
      if (other !== undefined) pair = [other, id];
      seen.set(claimKeyHash(b(id)), id);
    }
    const [first, second] = pair;
    expect(claimKeyHash(b(first))).toBe(claimKeyHash(b(second)));
    const lists = new ClaimSourceLists();
    lists.set(b(first), b('1'));
    expect(listOf(lists, second)).toBe('');
    lists.set(b(second), b('2'));
    lists.append(b(first), b('1b'));
    expect(listOf(lists, first)).toBe('1,1b');
    expect(listOf(lists, second)).toBe('2');
  });

  it('keeps every list whole past its first buffer', () => {
    const lists = new ClaimSourceLists();
    const expected = new Map<string, string>();
    for (let i = 0; i < 3_000; i++) {
      const id = `claim-${i % 700}`;
      const source = `{"outlet":"Outlet ${i} — é"}`;
      if (i < 700) lists.set(b(id), b(source));
      else lists.append(b(id), b(source));
      expected.set(id, expected.has(id) ? `${expected.get(id)},${source}` : source);
    }
    for (const [id, list] of expected) expect(listOf(lists, id)).toBe(list);
  });

  it('holds each added source once, however many a claim has', () => {
    const lists = new ClaimSourceLists();
    const source = (i: number) => `{"outlet":"Outlet ${String(i).padStart(5, '0')}","url":"https://example.org/${'x'.repeat(60)}"}`;
    lists.set(b('busy'), b(source(0)));
    for (let i = 1; i < 20_000; i++) lists.append(b('busy'), b(source(i)));
    // each list written whole again would be 20,000² / 2 sources: gigabytes
    expect(lists.size).toBeLessThan(20_000 * source(0).length + 1_000);
    const all = listOf(lists, 'busy');
    expect(all.length).toBe(20_000 * (source(0).length + 1) - 1);
    expect(all.endsWith(source(19_999))).toBe(true);
    expect(JSON.parse(`[${all}]`)).toHaveLength(20_000);
  });
});
