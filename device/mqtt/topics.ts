/** The MQTT topic tree of one device, as DESIGN.md fixes it: `<prefix>/<deviceId>/…`. */
export class Topics {
  constructor(
    readonly prefix: string,
    readonly deviceId: string,
  ) {}

  private t(...parts: string[]): string {
    return [this.prefix, this.deviceId, ...parts].join('/');
  }

  get status(): string {
    return this.t('status');
  }
  get detections(): string {
    return this.t('detections');
  }
  get events(): string {
    return this.t('events');
  }
  get stats(): string {
    return this.t('stats');
  }
  get snapshot(): string {
    return this.t('snapshot');
  }
  get bench(): string {
    return this.t('bench');
  }
  count(label: string): string {
    return this.t('counts', label.replace(/[#+/\s]+/g, '_'));
  }
  /** Subscription for every command; `commandName` reads the name back. */
  get commands(): string {
    return this.t('cmd', '+');
  }
  commandName(topic: string): string | null {
    const head = this.t('cmd') + '/';
    return topic.startsWith(head) && !topic.slice(head.length).includes('/') ? topic.slice(head.length) : null;
  }
  reply(command: string): string {
    return this.t('replies', command);
  }
}
