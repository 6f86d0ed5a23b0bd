import { rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

/**
 * `--address-file`: once listening, the sandbox writes the URL it answers on (from this machine)
 * to a file, for whoever cannot know the port in advance: the image's HEALTHCHECK (a port set by
 * `--port`, `SANDBOX_PORT` or `PORT`), or a script that started it with `--port 0`.
 */
export function localUrl({ address, port, family }: AddressInfo): string {
  // A wildcard address is reached on loopback.
  if (address === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (address === '::') return `http://[::1]:${port}`;
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

/** Written whole (a temporary file renamed), so a reader never sees half a URL. */
export async function writeAddressFile(file: string, url: string): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, `${url}\n`);
  await rename(partial, file);
}

export async function removeAddressFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
