/** Where a progress bar writes: process.stderr, or anything with `write` (tests). */
export interface ProgressOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * `[#########.....................] 12/36 lines 33%`: redrawn in place on a
 * terminal; on a pipe or a log file, one line per 10% step, so logs stay short.
 */
export class ProgressBar {
  private drawn = '';
  private lastStep = -1;

  constructor(
    private readonly unit = 'lines',
    private readonly output: ProgressOutput = process.stderr,
    private readonly width = 30,
  ) {}

  update(done: number, total: number): void {
    const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
    const percent = Math.floor(ratio * 100);
    const filled = Math.round(ratio * this.width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${done}/${total} ${this.unit} ${percent}%`;
    if (this.output.isTTY) {
      if (line === this.drawn) return;
      // pad over the previous drawing when this one is shorter
      this.output.write(`\r${line}${' '.repeat(Math.max(0, this.drawn.length - line.length))}`);
      this.drawn = line;
      return;
    }
    const step = Math.floor(percent / 10);
    if (step <= this.lastStep) return;
    this.lastStep = step;
    this.output.write(`${line}\n`);
  }

  /** Ends the bar's line on a terminal, so what follows starts on a line of its own. */
  finish(): void {
    if (this.output.isTTY && this.drawn) this.output.write('\n');
    this.drawn = '';
  }
}
