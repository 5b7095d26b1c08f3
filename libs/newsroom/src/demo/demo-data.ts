import { resolve } from 'node:path';

/** The bundled demo data, relative to the repository root (the Docker image keeps the same layout under /app). */
export const DEMO_DATA_FILE = 'libs/newsroom/demo/demo-data.ndjson';

/**
 * Where the bundled demo data is. Resolved from the working directory, not from
 * this module's location, because the module runs from `libs/…` under jest and
 * from `dist/libs/…` once built, while `npm start`, the CLI and the Docker image
 * all run from the repository root (WORKDIR /app), where the file is.
 */
export function demoDataPath(cwd: string = process.cwd()): string {
  return resolve(cwd, DEMO_DATA_FILE);
}
