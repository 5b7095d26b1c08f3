import { ProgressBar } from '@app/platform';

function output(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => chunks.push(chunk), isTTY };
}

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal', () => {
    const out = output(true);
    const bar = new ProgressBar('lines', out, 10);
    bar.update(0, 36);
    bar.update(12, 36);
    bar.update(12, 36);
    bar.update(36, 36);
    bar.finish();
    expect(out.chunks).toEqual([
      '\r[..........] 0/36 lines 0%',
      '\r[###.......] 12/36 lines 33%',
      '\r[##########] 36/36 lines 100%',
      '\n',
    ]);
  });

  it('writes a line per 10% step otherwise', () => {
    const out = output(false);
    const bar = new ProgressBar('lines', out, 10);
    for (let done = 0; done <= 36; done++) bar.update(done, 36);
    bar.finish();
    expect(out.chunks).toHaveLength(11);
    expect(out.chunks[1]).toBe('[#.........] 4/36 lines 11%\n');
    expect(out.chunks[10]).toBe('[##########] 36/36 lines 100%\n');
  });

  it('shows an empty total as done', () => {
    const out = output(false);
    new ProgressBar('lines', out, 4).update(0, 0);
    expect(out.chunks).toEqual(['[####] 0/0 lines 100%\n']);
  });
});
