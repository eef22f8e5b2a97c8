/**
 * What one tab of the app tells the others (same origin) through a BroadcastChannel: it logged
 * out, or it logged in as some account. Browsers deliver a message to every other tab of the
 * origin, never back to the sender.
 */
export type TabMessage =
  | { readonly type: 'auth0-fauna:logout'; readonly everywhere: boolean }
  | { readonly type: 'auth0-fauna:login'; readonly iss: string | undefined; readonly sub: string };

export interface TabSync {
  post(message: TabMessage): void;
  close(): void;
}

interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  unref?: () => void;
}

type ChannelConstructor = new (name: string) => ChannelLike;

function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Record<string, unknown>;
  if (m.type === 'auth0-fauna:logout') return typeof m.everywhere === 'boolean';
  if (m.type === 'auth0-fauna:login') return typeof m.sub === 'string' && (m.iss === undefined || typeof m.iss === 'string');
  return false;
}

/**
 * Opens the channel `name`, calling `onMessage` for each well-formed message of another tab.
 * Undefined where the runtime has no BroadcastChannel: the session then works alone.
 */
export function openTabSync(name: string, onMessage: (message: TabMessage) => void): TabSync | undefined {
  const Channel = (globalThis as { BroadcastChannel?: ChannelConstructor }).BroadcastChannel;
  if (typeof Channel !== 'function') return undefined;
  const channel = new Channel(name);
  // In Node (tests, server-side use) an open channel must not keep the process alive.
  channel.unref?.();
  channel.onmessage = (event) => {
    if (isTabMessage(event.data)) onMessage(event.data);
  };
  let open = true;
  return {
    post(message) {
      if (open) channel.postMessage(message);
    },
    close() {
      if (!open) return;
      open = false;
      channel.onmessage = null;
      channel.close();
    },
  };
}
