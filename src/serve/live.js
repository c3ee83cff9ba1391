// gazette serve: live reload. Injected only by the preview server, never into built sites.
(() => {
  let connected = false;
  const swapStyles = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set('gazette-reload', String(Date.now()));
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener('load', () => link.remove(), { once: true });
      link.after(next);
    }
  };
  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/__gazette/ws`);
    ws.addEventListener('open', () => {
      // Back after the server restarted: the pages may have changed meanwhile.
      if (connected) location.reload();
      connected = true;
      document.documentElement.dataset.gazetteLive = 'open';
    });
    ws.addEventListener('message', (e) => {
      if (e.data === 'css') swapStyles();
      // The search index is rebuilt after the pages: only a page that searches needs it.
      else if (e.data === 'search') {
        if (document.getElementById('search-app')) location.reload();
      } else location.reload();
    });
    ws.addEventListener('close', () => {
      document.documentElement.dataset.gazetteLive = 'closed';
      setTimeout(connect, 1000);
    });
  };
  connect();
})();
