import { log, startApi, type BenchServer, type Row } from './bench.support';

/** DESIGN 2.7: bad input costs no more than a few milliseconds of CPU per KB. */
const TARGET_MS_PER_KB = 3;

const party = { name: 'Twitter', role: 'bidder' };
const deal = { title: 'Twitter / Clubhouse', kind: 'acquisition', parties: [party] };

/** Hostile bodies of the kinds that once cost seconds: huge arrays of empty elements, many unknown fields, deep nesting. */
const BODIES: [string, () => unknown][] = [
  ['170,000 empty parties', () => ({ ...deal, parties: Array.from({ length: 170_000 }, () => ({})) })],
  ['5,000 empty parties', () => ({ ...deal, parties: Array.from({ length: 5_000 }, () => ({})) })],
  ['5,000 unknown fields', () => ({ ...deal, ...Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, i])) })],
  ['JSON nested 2,000 deep', () => JSON.parse(`${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`)],
];

/** The API's CPU time (this process: the server runs in it) for each hostile body, per KB of body: the worst of a few sends after a warm-up. */
export async function inputBench(server: BenchServer): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  log('input: hostile bodies against POST /deals');
  const api = await startApi(await server.createDatabase('input'));
  try {
    const details: Record<string, number> = {};
    for (const [name, make] of BODIES) {
      const text = JSON.stringify(make());
      const send = async () => {
        const response = await fetch(`${api.url}/deals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.editorKey}`, 'content-type': 'application/json' },
          body: text,
        });
        await response.text();
        if (response.status !== 400) throw new Error(`${name}: ${response.status}, not 400`);
      };
      await send();
      let most = 0;
      for (let i = 0; i < 5; i++) {
        const started = process.cpuUsage();
        await send();
        const used = process.cpuUsage(started);
        most = Math.max(most, (used.user + used.system) / 1000 / (text.length / 1024));
      }
      details[name] = most;
      log(`  ${name}: ${(text.length / 1024).toFixed(0)} KB, ${most.toFixed(2)} ms of CPU per KB`);
    }
    const worst = Math.max(...Object.values(details));
    return {
      rows: [{ bench: 'input', figure: 'CPU per KB of hostile body, worst', value: worst, unit: 'ms', target: `<= ${TARGET_MS_PER_KB}`, met: worst <= TARGET_MS_PER_KB }],
      details,
    };
  } finally {
    await api.app.close();
  }
}
