/**
 * A wait between looks at the log that a signal cuts short. A signal that
 * comes while nobody waits ends the next wait at once, so a wake-up that
 * arrives during a read is never lost.
 */
export class Pause {
  private wake?: () => void;
  private signalled = false;

  /** Ends the wait in progress, or else the next one. */
  signal(): void {
    if (this.wake) this.wake();
    else this.signalled = true;
  }

  wait(ms: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        done();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        done();
      };
    });
  }
}
