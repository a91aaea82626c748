export interface WorkLoopOptions {
  /** Does the work there is; throwing counts as a failure and backs the loop off. */
  work: () => Promise<void>;
  /** How long it sleeps when nothing woke it; after failures, twice as long each time, up to 30 s. */
  pollIntervalMs: number;
  onError: (error: unknown, failures: number) => void;
}

export interface WorkLoop {
  start(): void;
  /** Runs the work again as soon as the current round ends (a NOTIFY, a commit that left work). */
  wake(): void;
  /** Lets the current round finish and stops. */
  stop(): Promise<void>;
}

/**
 * A background loop that does its work, then sleeps until woken or until the poll interval passes: the
 * shape of the outbox relay and of any worker that drains a table.
 */
export function createWorkLoop({ work, pollIntervalMs, onError }: WorkLoopOptions): WorkLoop {
  let running = false;
  let pending = false;
  let wakeNow: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  function sleep(delay: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        wakeNow = undefined;
        resolve();
      }
      wakeNow = done;
      if (pending) done();
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      pending = false;
      try {
        await work();
        failures = 0;
      } catch (error) {
        failures += 1;
        onError(error, failures);
      }
      if (!running) return;
      await sleep(failures === 0 ? pollIntervalMs : Math.min(30_000, pollIntervalMs * 2 ** failures));
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      pending = true;
      wakeNow?.();
    },
    async stop() {
      running = false;
      wakeNow?.();
      await loop;
    },
  };
}
