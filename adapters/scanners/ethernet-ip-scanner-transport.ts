import { Controller, Structure, Tag, TagList } from 'st-ethernet-ip';
import { fromCallback } from 'xstate';
import { FrameDecoder } from './frame-decoder.js';
import type { FramingConfig } from './framing.js';
import type { TransportCommand, TransportEvent } from './tcp-transport.js';

/**
 * A scanner whose codes a Logix PLC (or an EtherNet/IP reader) keeps in a STRING tag. With a
 * `readyTag` the handshake is explicit: non-zero = a new code, the edge reads the code tag and
 * writes 0 back. Without one, a change of the code tag's value is a new code; the value found at
 * connect is the baseline, not a read (a reconnect must not replay the last code as a duplicate).
 * The tag client is an interface so the polling logic is tested with a fake controller (no
 * EtherNet/IP simulator is available here); the real one is st-ethernet-ip.
 */

export interface EthernetIpScannerConfig {
  host: string;
  slot: number;
  codeTag: string;
  readyTag?: string | undefined;
  pollIntervalMs: number;
  framing: FramingConfig;
}

export interface EipTagClient {
  connect(host: string, slot: number): Promise<void>;
  read(tag: string): Promise<unknown>;
  write(tag: string, value: number): Promise<void>;
  disconnect(): Promise<void>;
}

/** st-ethernet-ip behind EipTagClient: STRING (and other structure) tags are read through the controller's tag list. */
export function createStEthernetIpClient(): EipTagClient {
  const controller = new Controller(false);
  const tagList = new TagList();
  const tags = new Map<string, Tag>();
  const tagFor = (name: string): Tag => {
    let tag = tags.get(name);
    if (!tag) {
      tag = tagList.getTemplateByTag(name) ? new Structure(name, tagList) : new Tag(name);
      tags.set(name, tag);
    }
    return tag;
  };
  return {
    async connect(host, slot) {
      await controller.connect(host, slot);
      await controller.getControllerTagList(tagList);
    },
    async read(name) {
      const tag = tagFor(name);
      await controller.readTag(tag);
      return tag.value;
    },
    async write(name, value) {
      const tag = tagFor(name);
      await controller.writeTag(tag, typeof tag.value === 'boolean' ? value !== 0 : value);
    },
    async disconnect() {
      await controller.disconnect();
    },
  };
}

/** A tag value as the code's text: strings as they are, byte arrays as UTF-8, nothing else is a code. */
export function tagText(value: unknown): string | null {
  if (typeof value === 'string') return value.replace(/\0+$/, '');
  if (Buffer.isBuffer(value)) return value.toString('utf8').replace(/\0+$/, '');
  return null;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

export function createEthernetIpScannerTransport(createClient: () => EipTagClient = createStEthernetIpClient) {
  return fromCallback<TransportCommand, EthernetIpScannerConfig, TransportEvent>(({ input, sendBack }) => {
    let done = false;
    const send = (event: TransportEvent): void => {
      if (!done) sendBack(event);
    };
    const client = createClient();
    let timer: NodeJS.Timeout | null = null;
    const close = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      client.disconnect().catch(() => undefined);
    };
    const fail = (reason: string) => {
      send({ type: 'transport.failed', reason });
      done = true;
      close();
    };
    const decoder = new FrameDecoder({ ...input.framing, suffix: 'NONE' });
    const emitCode = (text: string) => {
      for (const frame of decoder.push(Buffer.from(text, 'utf8'))) send({ type: 'transport.frame', frame });
    };
    let last: string | null = null;

    async function pollOnce(): Promise<void> {
      if (input.readyTag !== undefined) {
        const ready = await client.read(input.readyTag);
        if (!ready) return;
        const text = tagText(await client.read(input.codeTag));
        await client.write(input.readyTag, 0);
        if (text === null || text.length === 0) send({ type: 'transport.frame', frame: { kind: 'noread', text: '' } });
        else emitCode(text);
        return;
      }
      const text = tagText(await client.read(input.codeTag));
      if (text === null || text === last) return;
      last = text;
      if (text.length > 0) emitCode(text);
    }

    const schedule = () => {
      if (done) return;
      timer = setTimeout(() => {
        pollOnce().then(schedule, (error: unknown) => fail(`poll failed: ${describe(error)}`));
      }, input.pollIntervalMs);
    };

    (async () => {
      await client.connect(input.host, input.slot);
      if (input.readyTag === undefined) last = tagText(await client.read(input.codeTag));
    })().then(
      () => {
        if (done) return;
        send({ type: 'transport.connected', peer: `enip://${input.host}/${input.slot}` });
        schedule();
      },
      (error: unknown) => fail(`connect to ${input.host} (slot ${input.slot}) failed: ${describe(error)}`),
    );

    return () => {
      done = true;
      close();
    };
  });
}

export const ethernetIpScannerTransport = createEthernetIpScannerTransport();
