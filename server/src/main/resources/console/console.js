// Portcullis console: the few things a page does in the browser, without inline script (the CSP forbids it).
document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent).then(() => {
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
});

// A button whose request failed says so on its card (or its panel, or its form), instead of doing nothing
// (htmx swaps only successes).
document.addEventListener('htmx:responseError', (event) => {
  const poll = event.detail.elt.closest('[data-poll]');
  if (poll) {
    // The states poll: a sign-in that ended stops it, and the page says so once.
    poll.remove();
    if (event.detail.xhr.status === 401) {
      const note = document.createElement('p');
      note.className = 'message';
      note.setAttribute('role', 'alert');
      note.textContent = 'Your sign-in has ended: reload the page to sign in again.';
      document.getElementById('main').prepend(note);
    }
    return;
  }
  const card = event.detail.elt.closest('.card, .sharing, form');
  if (!card) return;
  const xhr = event.detail.xhr;
  let text = 'That did not work (HTTP ' + xhr.status + ').';
  try {
    const body = JSON.parse(xhr.responseText);
    if (body && typeof body.message === 'string') text = body.message;
  } catch (e) { /* not JSON: keep the status */ }
  if (xhr.status === 401) text = 'Your sign-in has ended: reload the page to sign in again.';
  let message = card.querySelector('.message');
  if (!message) {
    message = document.createElement('p');
    message.className = 'message';
    message.setAttribute('role', 'status');
    card.appendChild(message);
  }
  message.textContent = text;
});

// The theme switch: the choice is kept in this browser only (it is a preference of the screen, not the person).
document.addEventListener('DOMContentLoaded', () => {
  const select = document.getElementById('theme');
  if (!select) return;
  select.value = document.documentElement.dataset.theme || 'system';
  select.addEventListener('change', () => {
    const theme = select.value;
    try {
      if (theme === 'system') localStorage.removeItem('portcullis-theme');
      else localStorage.setItem('portcullis-theme', theme);
    } catch (e) { /* not kept: applies to this page only */ }
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  });
});

// A tool's try-it form: the call streams the server's progress (SSE) and then the result's HTML, so a long call
// shows how far it is instead of a frozen button. The result area is a live region: a screen reader hears it.
document.addEventListener('submit', async (event) => {
  const form = event.target.closest('form[data-call]');
  if (!form) return;
  event.preventDefault();
  // A tool's parameter may be called "action" or "querySelector": a form control of that name hides the form's
  // own property, so the form is read through the DOM's methods and attributes, never its named properties.
  const result = form.closest('details').querySelector('.result');
  const button = Element.prototype.querySelector.call(form, 'button[type=submit]');
  const target = Element.prototype.getAttribute.call(form, 'action');
  const token = JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'];
  const shown = progressView(result);
  button.disabled = true;
  const started = Date.now();
  const clock = setInterval(() => shown.elapsed(Math.round((Date.now() - started) / 1000)), 1000);
  try {
    const response = await fetch(target, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Accept': 'text/event-stream', 'X-CSRF-Token': token},
      body: new URLSearchParams(new FormData(form)),
    });
    if (!response.ok) {
      shown.failed(await failureText(response));
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // Lines end at \n only (a regular expression's $ would also stop at U+2028 inside the JSON).
        const lines = block.split('\n');
        const name = (lines.find((l) => l.startsWith('event: ')) || '').slice(7);
        const data = (lines.find((l) => l.startsWith('data: ')) || '').slice(6);
        if (!data) continue;
        const payload = JSON.parse(data);
        if (name === 'progress') shown.progress(payload);
        else if (name === 'result') result.innerHTML = payload.html;
      }
    }
  } catch (e) {
    shown.failed('The call did not finish: ' + e.message);
  } finally {
    clearInterval(clock);
    button.disabled = false;
  }
});

/** The "calling…" view in a result area: a progress bar, what the server says it is doing, and the time taken. */
function progressView(area) {
  area.replaceChildren();
  const box = document.createElement('div');
  box.className = 'calling';
  const bar = document.createElement('progress');
  bar.setAttribute('aria-label', 'Progress of the call');
  const text = document.createElement('p');
  text.textContent = 'Calling…';
  box.append(bar, text);
  area.append(box);
  let said = 'Calling…';
  let seconds = 0;
  const show = () => { text.textContent = said + (seconds > 0 ? ' (' + seconds + ' s)' : ''); };
  return {
    progress(p) {
      if (typeof p.total === 'number' && p.total > 0) { bar.max = p.total; bar.value = p.progress; }
      said = (typeof p.total === 'number' ? 'Step ' + p.progress + ' of ' + p.total : 'Progress ' + p.progress)
        + (p.message ? ': ' + p.message : '');
      show();
    },
    elapsed(s) { seconds = s; show(); },
    failed(message) {
      area.replaceChildren();
      const box = document.createElement('div');
      box.className = 'outcome error';
      box.setAttribute('role', 'alert');
      const p = document.createElement('p');
      p.textContent = message;
      box.append(p);
      area.append(box);
    },
  };
}

async function failureText(response) {
  if (response.status === 401) return 'Your sign-in has ended: reload the page to sign in again.';
  try {
    const body = await response.json();
    if (body && typeof body.message === 'string') return body.message;
  } catch (e) { /* not JSON */ }
  return 'That did not work (HTTP ' + response.status + ').';
}
