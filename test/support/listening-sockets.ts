import { readFileSync } from 'node:fs';

/** One listening TCP socket of this machine, as the kernel lists it. */
export interface ListeningSocket {
  address: string;
  loopback: boolean;
}

const LISTEN = '0A';

function ipv4(hex: string): string {
  // /proc prints the address as a little-endian 32-bit number.
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  // Four little-endian 32-bit words.
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8).match(/../g)!.reverse().join(''));
  return words.join('').match(/.{4}/g)!.join(':').toLowerCase();
}

function isLoopback(address: string): boolean {
  if (address.includes(':')) {
    return address === '0000:0000:0000:0000:0000:0000:0000:0001' || /^0000:0000:0000:0000:0000:ffff:7f/.test(address);
  }
  return address.startsWith('127.');
}

function read(path: string, decode: (hex: string) => string, port: number): ListeningSocket[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.flatMap((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    const [hex, portHex] = (local ?? '').split(':');
    if (state !== LISTEN || parseInt(portHex ?? '', 16) !== port) return [];
    const address = decode(hex!);
    return [{ address, loopback: isLoopback(address) }];
  });
}

/**
 * The addresses a TCP port is being listened on, read from the kernel (/proc/net/tcp and tcp6):
 * whether a listener is bound to loopback only can be seen on the socket itself, with or without
 * another address on the machine to try.
 */
export function listeningAddresses(port: number): ListeningSocket[] {
  return [...read('/proc/net/tcp', ipv4, port), ...read('/proc/net/tcp6', ipv6, port)];
}
