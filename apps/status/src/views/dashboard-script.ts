import { snapshotText } from './pages';

/**
 * The dashboard's only script, served as /assets/dashboard.js: refreshes the pipeline tiles and
 * the age of their background reading every 15 s from /status (same-origin GET, authorised by
 * the HttpOnly cookie). It writes text only (textContent), never markup.
 */
export const DASHBOARD_JS = `(() => {
  const snapshotText = ${snapshotText.toString()};
  const set = (id, text, level) => {
    const tile = document.querySelector('[data-tile="' + id + '"]');
    if (!tile) return;
    tile.querySelector('.v').textContent = text;
    tile.classList.remove('warn', 'bad');
    if (level) tile.classList.add(level);
  };
  async function refresh() {
    try {
      const res = await fetch('/status', { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const s = await res.json();
      for (const c of s.consumers) {
        const lag = c.totalLag === null ? '不可读' : String(c.totalLag);
        set(c.role + '-lag', lag, c.totalLag === null ? 'bad' : c.totalLag > 1000 ? 'warn' : '');
      }
      set('rate', s.events.rate1m + ' / ' + s.events.rate5m);
      const n = (svc) => s.services.filter((x) => x.service === svc).length;
      set('instances', n('ingest') + ' / ' + n('alerting'), n('ingest') === 0 ? 'warn' : '');
      set('dlq', String(s.dlq.count), s.dlq.count > 0 ? 'warn' : '');
      set('outbox', s.outbox.backlog + ' / ' + s.outbox.failing, s.outbox.failing > 0 ? 'bad' : '');
      set('clock', s.clock.local);
      const snapshot = document.getElementById('snapshot');
      if (snapshot) snapshot.textContent = snapshotText(s.snapshot);
    } catch (e) { /* keep the last figures */ }
  }
  setInterval(refresh, 15000);
})();
`;
