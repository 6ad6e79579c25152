// Page behaviour that used to sit in inline handlers (the policy allows scripts from /assets only).
// <form data-confirm="…"> or <button type="submit" data-confirm="…">: ask before submitting (the
// button's question wins; without JavaScript the form simply submits). <button data-action="print">:
// print the page.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) {
    return;
  }
  const button = event.submitter instanceof HTMLElement ? event.submitter : null;
  const question = (button && button.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-action=print]") : null;
  if (target) {
    window.print();
  }
});
// <table class="table-stack">: on a phone each row is a card; each cell is labelled by its
// column's heading (cells that carry their own data-label keep it).
for (const table of document.querySelectorAll("table.table-stack")) {
  const heads = [...table.querySelectorAll("thead th")].map((th) =>
    th.querySelector(".sr-only") ? "" : th.textContent.trim(),
  );
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, i) => {
      if (!cell.dataset.label && heads[i]) {
        cell.dataset.label = heads[i];
      }
    });
  }
}
// The apply form (<form data-stage-url>): each chosen material is sent at once (XHR, so the
// upload shows its progress), checked by the server and kept with the form's draft; the result
// is said beside the field. Without JavaScript the files go with the form and are kept the same.
for (const form of document.querySelectorAll("form[data-stage-url]")) {
  const token = form.querySelector("input[name=csrf_token]");
  const maxBytes = Number(form.dataset.maxBytes || 0);
  const say = (input, problem) => {
    const error = document.getElementById(`e-${input.name}`);
    const described = [`s-${input.name}`];
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      described.push(error.id);
    } else {
      error.textContent = "";
      error.hidden = true;
      input.removeAttribute("aria-invalid");
    }
    input.setAttribute("aria-describedby", described.join(" "));
  };
  const size = (bytes) =>
    bytes >= 104858 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  for (const input of form.querySelectorAll("input[type=file][data-stage]")) {
    const name = input.closest(".material").querySelector(".material-name").firstChild.textContent.trim();
    const progress = input.parentElement.querySelector(".upload-progress");
    const staged = document.getElementById(`s-${input.name}`);
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file) {
        return;
      }
      if (maxBytes && file.size > maxBytes) {
        say(input, `「${name}」文件超过大小上限（${form.dataset.maxMb} MB）`);
        input.value = "";
        return;
      }
      const body = new FormData();
      body.append("draft", form.dataset.draft);
      body.append("file", file);
      const request = new XMLHttpRequest();
      request.open("POST", form.dataset.stageUrl + encodeURIComponent(input.dataset.stage));
      request.setRequestHeader("X-CSRF-Token", token ? token.value : "");
      request.responseType = "json";
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) {
          progress.value = Math.round((100 * event.loaded) / event.total);
        }
      });
      request.addEventListener("load", () => {
        progress.hidden = true;
        input.disabled = false;
        const answer = request.response || {};
        if (request.status === 200) {
          staged.textContent = `已上传：${answer.filename}（${size(answer.size)}）`;
          staged.hidden = false;
          input.value = ""; // kept on the server: the form need not send it again
          input.required = false;
          say(input, "");
        } else {
          say(input, answer.message || `「${name}」上传失败（${request.status}），请重新选择`);
          input.value = "";
        }
      });
      request.addEventListener("error", () => {
        progress.hidden = true;
        input.disabled = false;
        say(input, `「${name}」上传中断，请检查网络后重新选择`);
        input.value = "";
      });
      say(input, "");
      progress.value = 0;
      progress.hidden = false;
      input.disabled = true;
      request.send(body);
    });
  }
}
// A refused form lands with its list of problems: focus it so it is read out first.
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
}
// Live queues: a menu link with <span data-count-url> shows its queue's count, polled every few
// seconds while the page is visible; on the queue page (<section data-live-url
// data-fingerprint>) a changed fingerprint swaps in the fresh list, without a reload.
const counters = [...document.querySelectorAll(".menu-count[data-count-url]")];
const liveQueue = document.querySelector("[data-live-url][data-fingerprint]");
if (counters.length || liveQueue) {
  const url = (liveQueue && liveQueue.dataset.liveUrl) || counters[0].dataset.countUrl;
  let wait = 3000;
  const refreshList = async () => {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) {
      return;
    }
    const fresh = new DOMParser()
      .parseFromString(await response.text(), "text/html")
      .getElementById(liveQueue.id);
    if (fresh) {
      liveQueue.innerHTML = fresh.innerHTML;
      liveQueue.dataset.fingerprint = fresh.dataset.fingerprint;
      const news = document.getElementById("queue-news");
      if (news) {
        news.textContent = `待办已更新，共 ${liveQueue.querySelectorAll("tbody tr").length} 件`;
      }
    }
  };
  const poll = async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const state = await response.json();
        wait = 1000 * (state.poll_seconds || 3);
        for (const counter of counters) {
          counter.textContent = String(state.count);
          counter.title = `待办 ${state.count} 件`;
          counter.hidden = false;
        }
        if (liveQueue && state.fingerprint !== liveQueue.dataset.fingerprint) {
          await refreshList();
        }
      }
    } catch {
      // offline or the server restarting: the next poll tries again
    } finally {
      window.setTimeout(poll, document.hidden ? wait * 5 : wait);
    }
  };
  poll();
}
// A case page (<div data-live-case data-version>): when the case moves on (another person acted,
// a flow finished), say so with a link to the fresh page; never reload by itself.
const moved = document.querySelector("[data-live-case][data-version]");
if (moved) {
  const watch = async () => {
    let again = true;
    try {
      const response = await fetch(moved.dataset.liveCase, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const state = await response.json();
        if (String(state.version) !== moved.dataset.version) {
          moved.querySelector(".case-moved-status").textContent = state.status_label;
          moved.hidden = false;
          again = false;
        }
      }
    } catch {
      // offline: try again later
    }
    if (again) {
      window.setTimeout(watch, document.hidden ? 15000 : 3000);
    }
  };
  window.setTimeout(watch, 3000);
}
