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

// A button whose request failed says so on its card, instead of doing nothing (htmx swaps only successes).
document.addEventListener('htmx:responseError', (event) => {
  const card = event.detail.elt.closest('.card');
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
