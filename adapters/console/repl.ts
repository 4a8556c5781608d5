import { createInterface } from 'node:readline';
import type { ConsoleSession } from './session.ts';

/**
 * Interactive when stdin is a terminal (prompt, history); otherwise one line at a time, each reply printed as plain
 * text, resolving at end of input so `printf '/help\n' | npm start` exits 0.
 */
export async function runConsole(
  session: Pick<ConsoleSession, 'run'>,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; interactive: boolean; banner?: string },
): Promise<void> {
  const rl = createInterface({
    input: io.input,
    output: io.interactive ? io.output : undefined,
    terminal: io.interactive,
  });
  if (io.interactive) {
    if (io.banner) io.output.write(`${io.banner}\n`);
    rl.setPrompt('cohort> ');
    rl.prompt();
  }
  for await (const line of rl) {
    const turn = await session.run(line);
    if (turn?.output) io.output.write(`${turn.output}\n${io.interactive ? '' : '\n'}`);
    if (io.interactive) rl.prompt();
  }
}
