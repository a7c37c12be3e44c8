import type { PlcDriver, PlcTag, PlcValue } from './plc-driver.js';

/**
 * A driver whose protocol library is loaded on the first connect. node-opcua takes over a second
 * and ~55 MB to load; an edge without an OPC UA PLC should not pay that at start, so the driver
 * registry hands out this stand-in and imports the real driver only when a PLC needs it.
 */
export class LazyPlcDriver implements PlcDriver {
  private driver: PlcDriver | null = null;
  private loading: Promise<PlcDriver> | null = null;
  private readonly disconnectListeners: Array<(reason: string) => void> = [];

  constructor(
    readonly protocol: string,
    private readonly load: () => Promise<PlcDriver>,
  ) {}

  async connect(): Promise<void> {
    const driver = await this.loaded();
    await driver.connect();
  }

  // async: a caller's .catch() must see "not connected", not a synchronous throw.
  async read(address: string): Promise<PlcValue> {
    return this.loadedOrFail('read', address).read(address);
  }

  async write(address: string, value: PlcValue): Promise<void> {
    return this.loadedOrFail('write', address).write(address, value);
  }

  async browse(): Promise<PlcTag[] | null> {
    return this.loadedOrFail('browse', 'tags').browse();
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.disconnectListeners.push(listener);
    this.driver?.onDisconnect(listener);
  }

  async close(): Promise<void> {
    const driver = this.loading ? await this.loading.catch(() => null) : null;
    await driver?.close();
  }

  private loaded(): Promise<PlcDriver> {
    this.loading ??= this.load().then(
      (driver) => {
        for (const listener of this.disconnectListeners) driver.onDisconnect(listener);
        this.driver = driver;
        return driver;
      },
      (error: unknown) => {
        this.loading = null; // let the next connect try again
        throw new Error(`${this.protocol}: cannot load the driver: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return this.loading;
  }

  private loadedOrFail(action: string, address: string): PlcDriver {
    if (!this.driver) throw new Error(`${this.protocol} ${action} ${address}: not connected`);
    return this.driver;
  }
}
