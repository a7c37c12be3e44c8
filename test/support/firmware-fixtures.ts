import http from 'node:http';
import type { TestFactory } from './factory-harness.js';

/** What the firmware tests share: raw uploads, and raw downloads (the command port stand-in is fake-command-port.ts). */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
}

/** A request with a raw body (Buffer), answered with the raw bytes and headers. */
export function rawRequest(
  t: TestFactory,
  method: string,
  path: string,
  options: { token?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(path, t.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body) {
      if (headers['transfer-encoding'] === undefined) headers['content-length'] ??= options.body.length;
      headers['content-type'] ??= 'application/octet-stream';
    }
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown = null;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function upload(t: TestFactory, version: string, body: Buffer, options: { token?: string; filename?: string; headers?: Record<string, string>; query?: Record<string, string> } = {}) {
  const query = new URLSearchParams({ version, filename: options.filename ?? `okto-edge-${version}.bin`, ...(options.query ?? {}) });
  return rawRequest(t, 'POST', `/api/v1/firmware/releases?${query}`, { token: options.token ?? t.tokens.admin, body, ...(options.headers ? { headers: options.headers } : {}) });
}

/** Uploads and returns the release (the test fails on anything but 201). */
export async function uploadOk(t: TestFactory, version: string, body: Buffer): Promise<any> {
  const res = await upload(t, version, body);
  if (res.status !== 201) throw new Error(`upload ${version}: ${res.status} ${res.body.toString()}`);
  return res.json.data;
}

/** Deterministic bytes of a given size (no two offsets alike within 251). */
export const artifactBytes = (size: number, seed = 7) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251));
