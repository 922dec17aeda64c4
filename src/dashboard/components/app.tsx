import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi, isAuthError, storedToken, storeToken, tokenFromLocation, type Api, type ConnectionState } from '../api.ts';
import type { DashQueueFragment, DashSeriesFragment } from '../generated/graphql.ts';
import { watchLive } from '../live.ts';
import { emptyLiveState, type LiveState } from '../live-state.ts';
import { DashLibraryDocument, DashQueueDocument, DashQueueUpdatedDocument } from '../operations.ts';
import type { Actions } from './actions.ts';
import { HistoryPanel } from './history-panel.tsx';
import { LibraryPanel } from './library-panel.tsx';
import { LivePanel } from './live-panel.tsx';
import { QueuePanel } from './queue-panel.tsx';
import { SettingsPanel } from './settings-panel.tsx';
import { WebhooksPanel } from './webhooks-panel.tsx';

/** Wait after a finished download or scan before re-reading the library (several finish together). */
const LIBRARY_RELOAD_DELAY_MS = 300;

type Auth = 'checking' | 'ok' | 'needed' | 'wrong';

/** The page: asks for the API token when the service wants one, then shows the dashboard. */
export function App() {
  const [token, setToken] = useState(() => tokenFromLocation() ?? storedToken());
  const [auth, setAuth] = useState<Auth>('checking');
  const api = useMemo(() => createApi(token), [token]);
  useEffect(() => () => api.dispose(), [api]);

  useEffect(() => {
    setAuth('checking');
    // One cheap query tells whether the service wants a token (and whether ours is right).
    api.request(DashQueueDocument).then(
      () => setAuth('ok'),
      (err: unknown) => setAuth(isAuthError(err) ? (token ? 'wrong' : 'needed') : 'ok'),
    );
  }, [api]);

  const forget = () => {
    storeToken(null);
    setToken(null);
  };

  if (auth === 'checking') return <p class="boot">Connecting to the service…</p>;
  if (auth === 'needed' || auth === 'wrong')
    return (
      <TokenForm
        wrong={auth === 'wrong'}
        onToken={(t) => {
          storeToken(t);
          setToken(t);
        }}
      />
    );
  return <Dashboard api={api} hasToken={token !== null} onRefused={() => setAuth(token ? 'wrong' : 'needed')} onForget={forget} />;
}

function TokenForm({ wrong, onToken }: { wrong: boolean; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main class="token-page">
      <h1>Anime progress</h1>
      <form
        class="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        {wrong ? (
          <p role="alert" class="notice notice-error" data-auth="wrong">
            The service refused this token: it is wrong. Enter the service's API_TOKEN again.
          </p>
        ) : (
          <p data-auth="needed">This service needs its API token (API_TOKEN). This browser keeps it for next time.</p>
        )}
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
        <button type="submit">Connect</button>
      </form>
    </main>
  );
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Refused',
};

interface Notice {
  kind: 'error' | 'info';
  text: string;
}

function Dashboard({ api, hasToken, onRefused, onForget }: { api: Api; hasToken: boolean; onRefused: () => void; onForget: () => void }) {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [live, setLive] = useState<LiveState>(emptyLiveState);
  const [queue, setQueue] = useState<DashQueueFragment | null>(null);
  const [library, setLibrary] = useState<readonly DashSeriesFragment[] | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const libraryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const actions: Actions = useMemo(
    () => ({
      request: api.request,
      async run(what, action) {
        try {
          await action();
          setNotice(null);
        } catch (err) {
          if (isAuthError(err)) onRefused();
          setNotice({ kind: 'error', text: `${what}: ${err instanceof Error ? err.message : String(err)}` });
        }
      },
    }),
    [api],
  );

  const reloadLibrary = () => {
    void api.request(DashLibraryDocument).then(
      (d) => setLibrary(d.library),
      (err: unknown) => (isAuthError(err) ? onRefused() : undefined),
    );
  };
  const reloadLibrarySoon = () => {
    if (libraryTimer.current) clearTimeout(libraryTimer.current);
    libraryTimer.current = setTimeout(reloadLibrary, LIBRARY_RELOAD_DELAY_MS);
  };

  useEffect(() => {
    const offConnection = api.onConnection((state) => {
      setConnection(state);
      if (state === 'refused') onRefused();
      // Back after a restart: what changed in the library meanwhile is read again.
      if (state === 'live') reloadLibrary();
    });
    const stopLive = watchLive(api, (state, event) => {
      setLive(state);
      const p = event?.progress;
      if (p && p.status === 'COMPLETED' && (p.type === 'DOWNLOAD' || p.type === 'SCAN')) reloadLibrarySoon();
    });
    const stopQueue = api.subscribe(DashQueueUpdatedDocument, () => undefined, {
      next: (d) => setQueue(d.queueUpdated),
      error: (err) => setNotice({ kind: 'error', text: `Queue updates: ${err.message}` }),
    });
    reloadLibrary();
    return () => {
      offConnection();
      stopLive();
      stopQueue();
      if (libraryTimer.current) clearTimeout(libraryTimer.current);
    };
  }, [api]);

  return (
    <>
      <header class="top">
        <h1>Anime progress</h1>
        <span class={`conn conn-${connection}`} role="status" data-connection={connection}>
          <span class="dot" aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </span>
        {hasToken ? (
          <button type="button" class="link" onClick={onForget}>
            Forget token
          </button>
        ) : null}
      </header>
      {notice ? (
        <p role="alert" class={`notice notice-${notice.kind}`}>
          {notice.text}{' '}
          <button type="button" class="link" onClick={() => setNotice(null)} aria-label="Dismiss">
            ✕
          </button>
        </p>
      ) : null}
      <main class="grid">
        <LivePanel live={live} />
        <QueuePanel queue={queue} actions={actions} />
        <LibraryPanel library={library} actions={actions} reload={reloadLibrary} />
        <HistoryPanel actions={actions} />
        <SettingsPanel actions={actions} />
        <WebhooksPanel actions={actions} />
      </main>
    </>
  );
}
