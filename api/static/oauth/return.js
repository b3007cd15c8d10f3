// The built-in OAuth return page (GET /oauth/return): the callback put provider, code and state (or an
// error) in the URL fragment, which browsers never send to a server. Opened as a popup by a page of this
// origin (the console, a CRM page), it hands them to that page only (postMessage to this very origin) and
// closes; the opener completes the connection with the user's token. Opened on its own, it shows how to
// complete by hand. No dependencies, no inline script (the page's Content-Security-Policy forbids it).
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.hash.slice(1));
  // The code should not linger in the history or be bookmarked.
  window.history.replaceState(null, '', window.location.pathname);
  var message = { type: 'calendar-oauth', provider: params.get('provider'), code: params.get('code'), state: params.get('state') };
  var error = params.get('error');
  if (error) message.error = error;
  var status = document.getElementById('status');

  var openerOfThisOrigin;
  try {
    // Reading another origin's location throws: only a page of this origin gets the code.
    openerOfThisOrigin = Boolean(window.opener) && window.opener.location.origin === window.location.origin;
  } catch {
    openerOfThisOrigin = false;
  }
  if (openerOfThisOrigin) {
    window.opener.postMessage(message, window.location.origin);
    status.textContent = 'Done: you can close this window.';
    window.close();
    return;
  }
  if (error) {
    status.textContent = 'The calendar was not connected: ' + error + '. Start connecting again.';
    return;
  }
  if (!message.code || !message.state) {
    status.textContent = 'This page expects the answer of a calendar provider; start connecting again.';
    return;
  }
  status.textContent = 'Almost done.';
  var body = JSON.stringify({ provider: message.provider, code: message.code, state: message.state });
  document.getElementById('command').textContent =
    'curl -s -X POST ' +
    window.location.origin +
    '/v1/oauth/complete \\\n' +
    '  -H "Authorization: Bearer $TOKEN" -H "content-type: application/json" \\\n' +
    "  -d '" +
    body +
    "'";
  document.getElementById('manual').hidden = false;
})();
