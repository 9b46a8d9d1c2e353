// The timeout warning for signed-in account pages, after the GOV.UK and HMRC pattern.
//
// Before the idle timeout ends a session, a modal dialog says so and offers "Stay signed in". That
// button posts (with the form's CSRF token) to the keep-alive address without leaving the page, so
// nothing the person has typed is lost. Escape also means "stay signed in": closing the warning must
// not quietly let the session run out. Without JavaScript the dialog never opens, and the same
// button on each account page does a normal form post instead.
//
// The timings come from data attributes written by the server (templates/layouts/public.html), so
// there is one source for the idle limit.

const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const timeoutUrl = dialog.dataset.timeoutUrl;
  const keepAliveForm = dialog.querySelector("form[data-keep-alive]");
  const heading = dialog.querySelector("h2");
  // A little after the server's own limit, so the server has ended the session and says why.
  const graceMs = 5000;

  let warnTimer = 0;
  let endTimer = 0;
  let returnFocusTo = null;
  let busy = false;

  const schedule = () => {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(open, Math.max(idleMs - warningMs, 0));
    endTimer = window.setTimeout(timedOut, idleMs + graceMs);
  };

  const open = () => {
    if (dialog.open) {
      return;
    }
    returnFocusTo = document.activeElement;
    dialog.showModal();
    // The heading names the dialog, so screen readers announce what has happened first.
    heading.focus();
  };

  const close = () => {
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocusTo && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
    returnFocusTo = null;
  };

  const timedOut = () => {
    window.location.assign(timeoutUrl);
  };

  const staySignedIn = async () => {
    if (busy) {
      return;
    }
    busy = true;
    try {
      const response = await fetch(keepAliveForm.action, {
        method: "POST",
        body: new FormData(keepAliveForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        // A redirect means the session had already ended: the server sends people to sign in.
        redirect: "manual",
      });
      if (!response.ok) {
        throw new Error("keep-alive refused");
      }
      const { csrf_token: token } = await response.json();
      if (token) {
        // Every form on the page gets the fresh token, so what has been typed can still be sent.
        for (const input of document.querySelectorAll('input[name="csrf_token"]')) {
          input.value = token;
        }
      }
      close();
      schedule();
    } catch {
      timedOut();
    } finally {
      busy = false;
    }
  };

  keepAliveForm.addEventListener("submit", (event) => {
    event.preventDefault();
    staySignedIn();
  });

  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });

  schedule();
}
