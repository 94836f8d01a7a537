// Switchboard console: the only script of our own (no inline scripts, so the Content-Security-Policy stays strict).
// Charts: a <canvas data-chart="..."> holds its Chart.js configuration as JSON, rendered by the server.
(function () {
  function drawCharts(root) {
    if (typeof Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) {
        return;
      }
      canvas.dataset.drawn = "yes";
      var config = JSON.parse(canvas.dataset.chart);
      config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
      new Chart(canvas, config);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
  // A form with data-confirm (deleting something) asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();

// Configuration forms: the token wizard puts a token where the cursor was (in the last template field focused), the
// tag wizard appends a term to a textarea, copy buttons copy a value, and a file chosen for a caller-list upload is
// read into the textarea the form posts.
(function () {
  var lastTemplate = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-template]")) {
      lastTemplate = event.target;
    }
  });
  function insert(field, text) {
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? field.value.length : field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.selectionStart = field.selectionEnd = start + text.length;
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var token = event.target.closest("[data-insert]");
    if (token) {
      insert(lastTemplate || document.querySelector("[data-template]"), token.dataset.insert);
      return;
    }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.dataset.copy);
      var text = source.value !== undefined && source.tagName !== "CODE" ? source.value : source.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        copy.dataset.copied = "yes";
        copy.textContent = "Copied";
      });
    }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[data-append-to]") && select.value) {
      var area = document.getElementById(select.dataset.appendTo);
      area.value = (area.value.trim() ? area.value.replace(/\s*$/, "\n") : "") + select.value;
      area.dispatchEvent(new Event("input", { bubbles: true }));
      select.value = "";
    }
    if (select.matches("input[type=file][data-read-into]") && select.files.length) {
      var reader = new FileReader();
      reader.onload = function () {
        document.getElementById(select.dataset.readInto).value = reader.result;
      };
      reader.readAsText(select.files[0]);
    }
  });
})();

// Live checks and previews of configuration forms (plain fetch, same origin, the form's CSRF token included):
// - [data-live-post="/url"][data-live-target="#id"] inside a form: the form is posted after a pause in typing (and once
//   on load) and the answer, HTML the server rendered and escaped, replaces the target's content;
// - button[data-live-post]: the same, on click;
// - select[data-live-get="/url"][data-live-target="#id"]: on change, GET url?name=value replaces the target.
(function () {
  function load(url, options, target) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options))
      .then(function (response) { return response.text(); })
      .then(function (html) { document.querySelector(target).innerHTML = html; })
      .catch(function (error) { console.error("live update failed: " + error); });
  }
  function postForm(el) {
    var form = el.closest("form");
    return load(el.dataset.livePost, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    }, el.dataset.liveTarget);
  }
  var timers = new WeakMap();
  function refresh(form) {
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () {
      form.querySelectorAll("[data-live-post]:not(button)").forEach(postForm);
    }, 300));
  }
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form && form.querySelector("[data-live-post]:not(button)")) {
      refresh(form);
    }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-live-get]")) {
      load(el.dataset.liveGet + "?" + encodeURIComponent(el.name) + "=" + encodeURIComponent(el.value), {}, el.dataset.liveTarget);
    }
    var form = el.closest && el.closest("form");
    if (form && form.querySelector("[data-live-post]:not(button)")) {
      refresh(form);
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-live-post]");
    if (button) {
      event.preventDefault();
      postForm(button);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-load]").forEach(postForm);
  });
})();
