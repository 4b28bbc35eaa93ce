// Readiness enhancements. Every page works without this script.
(function () {
  "use strict";
  // Show a question only while the answer it depends on allows it.
  function applyShowIf() {
    document.querySelectorAll("fieldset[data-show-if]").forEach(function (fs) {
      var dep = fs.getAttribute("data-show-if");
      var allowed = (fs.getAttribute("data-show-in") || "").split(" ");
      var chosen = document.querySelector('input[name="' + dep + '"]:checked');
      if (!document.querySelector('input[name="' + dep + '"]')) return; // not on this page
      var show = chosen && allowed.indexOf(chosen.value) >= 0;
      fs.hidden = !show;
      var hint = fs.querySelector('[id^="hint-"]');
      if (hint) hint.hidden = true; // the script handles it live
    });
  }
  // "None of these" clears the other boxes, and the others clear it.
  function exclusiveBoxes(ev) {
    var box = ev.target;
    if (!box || box.type !== "checkbox") return;
    var group = document.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
    if (box.value === "none" && box.checked) {
      group.forEach(function (b) { if (b !== box) b.checked = false; });
    } else if (box.checked) {
      group.forEach(function (b) { if (b.value === "none") b.checked = false; });
    }
  }
  // A table wider than its box scrolls sideways: make the box a named,
  // focusable region, so it can be scrolled from the keyboard.
  function scrollableTables() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : (document.body.getAttribute("data-table") || ""));
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  // Print every disclosure open, then put them back as they were.
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = [];
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      closedForPrint.push(d);
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });
  // On the account page, offer the browser's own time zone when it is one
  // of those listed (the list and the save work without this).
  function offerDeviceZone() {
    var button = document.getElementById("use-device-zone");
    var select = document.getElementById("f-time_zone");
    if (!button || !select || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var option = zone && select.querySelector('option[value="' + zone + '"]');
    if (!option || select.value === zone) return;
    // The words come from the page, in its language: "… ({zone})".
    button.textContent = (button.getAttribute("data-named") || "{zone}").replace("{zone}", zone);
    button.hidden = false;
    button.addEventListener("click", function () {
      select.value = zone;
      button.form.requestSubmit ? button.form.requestSubmit() : button.form.submit();
    });
  }
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(scrollableTables, 150);
  });
  document.addEventListener("toggle", scrollableTables, true); // a <details> opened

  // What if: with script, the figures follow the form as answers change,
  // scored by POST /api/v1/score (which stores nothing). Without script the
  // form is a GET that shows the same figures.
  var whatIfBands = null;
  var whatIfSeq = 0;
  function whatIfAnswers(form) {
    var answers = {};
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      var inputs = fs.querySelectorAll("input");
      if (!inputs.length) return;
      var name = inputs[0].name;
      var checked = [].filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
      if (inputs[0].type === "checkbox") {
        if (checked.length) answers[name] = checked;
      } else if (checked.length) {
        answers[name] = fs.classList.contains("rating") ? parseInt(checked[0], 10) : checked[0];
      }
    });
    return answers;
  }
  // As the server's i18n.Round with one decimal: halves away from zero,
  // after snapping x to a millionth of a tenth, so 56.25 and 0.15 round up.
  function round1(x) { return (x < 0 ? -1 : 1) * Math.round(Math.round(Math.abs(x) * 10 * 1e6) / 1e6) / 10; }
  // x with one decimal as the server writes it.
  function fixed1(x) {
    var r = round1(x);
    return (r === 0 ? 0 : r).toFixed(1);
  }
  function whatIfNumber(box, x) {
    return fixed1(x).replace(".", box.getAttribute("data-decimal") || ".");
  }
  // As the server shows a change: both scores rounded to one decimal first.
  function whatIfChange(box, el, from, to) {
    var d = round1(round1(to) - round1(from));
    var cls = d > 0 ? "up" : d < 0 ? "down" : "same";
    var text = d > 0 ? "+" + whatIfNumber(box, d) : d < 0 ? "\u2212" + whatIfNumber(box, -d) : "\u00b1" + whatIfNumber(box, 0);
    var words = (box.getAttribute("data-" + cls) || "").replace("{n}", whatIfNumber(box, Math.abs(d)));
    el.className = "change " + cls;
    el.textContent = "";
    var shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = (cls === "up" ? "\u25b2 " : cls === "down" ? "\u25bc " : "") + text;
    var said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent = words;
    el.appendChild(shown);
    el.appendChild(said);
    return { cls: cls, text: text, words: words };
  }
  function whatIfList(list, none, steps, template, required) {
    list.textContent = "";
    steps.forEach(function (st) {
      var li = template.content.firstElementChild.cloneNode(true);
      li.querySelector("strong").textContent = st.title;
      var gain = li.querySelector(".gain");
      if (gain) {
        if (st.gain !== undefined) gain.textContent = "+" + whatIfNumber(list.closest("#wi-figures"), st.gain);
        else gain.remove();
      }
      if (st.required && required) li.appendChild(required.content.cloneNode(true));
      list.appendChild(li);
    });
    none.hidden = steps.length > 0;
  }
  function whatIfShow(box, r) {
    var stored = {};
    box.querySelectorAll("#wi-dims tr[data-dim]").forEach(function (tr) {
      stored[tr.getAttribute("data-dim")] = parseFloat(tr.getAttribute("data-stored"));
    });
    var storedOverall = parseFloat(box.getAttribute("data-stored"));
    var band = whatIfBands && whatIfBands[r.band] || r.band;
    document.getElementById("wi-overall").textContent = whatIfNumber(box, r.overall);
    var tag = document.getElementById("wi-band");
    tag.textContent = band;
    tag.className = "band-tag band-" + r.band;
    var ch = whatIfChange(box, box.querySelector("#wi-change .change"), storedOverall, r.overall);
    r.dimensions.forEach(function (d) {
      var tr = box.querySelector('#wi-dims tr[data-dim="' + d.id + '"]');
      if (!tr) return;
      tr.querySelector(".wi-new").textContent = whatIfNumber(box, d.score);
      whatIfChange(box, tr.querySelector(".wi-change .change"), stored[d.id], d.score);
    });
    r.requirements.forEach(function (q) {
      var li = box.querySelector('#wi-reqs li[data-req="' + q.id + '"]');
      if (!li) return;
      li.className = q.met ? "met" : "unmet";
      li.querySelector(".wi-req-state").textContent = box.getAttribute(q.met ? "data-met" : "data-unmet");
    });
    // As the result page splits them: a step with no gain and no
    // requirement is "also consider", not a step that remains.
    var remain = r.steps.filter(function (st) { return st.required || Math.round(Math.round(st.gain * 1e8) / 1e6) !== 0; });
    var now = {};
    r.steps.forEach(function (st) { now[st.id] = true; });
    var gone = [];
    var storedSteps = document.getElementById("wi-stored-steps");
    if (storedSteps) {
      storedSteps.content.querySelectorAll("li[data-step]").forEach(function (li) {
        if (!now[li.getAttribute("data-step")]) gone.push({ title: li.textContent });
      });
    }
    whatIfList(document.getElementById("wi-steps"), document.getElementById("wi-steps-none"), remain,
      document.getElementById("wi-step-template"), document.getElementById("wi-required-template"));
    whatIfList(document.getElementById("wi-gone"), document.getElementById("wi-gone-none"), gone,
      document.getElementById("wi-step-template"), null);
    var mini = document.getElementById("wi-mini-overall");
    if (mini) {
      mini.textContent = whatIfNumber(box, r.overall);
      document.getElementById("wi-mini-band").textContent = band;
      var mc = document.getElementById("wi-mini-change");
      mc.className = "change " + ch.cls;
      mc.textContent = "(" + ch.text + ")";
    }
    box.classList.remove("stale");
    document.getElementById("wi-status").textContent = whatIfNumber(box, r.overall) + ", " + band + ", " + ch.words;
  }
  function whatIfUpdate(form, box) {
    var seq = ++whatIfSeq;
    var body = JSON.stringify({ profile: box.getAttribute("data-profile"), answers: whatIfAnswers(form) });
    var bands = whatIfBands ? Promise.resolve() :
      fetch("/api/v1/profiles/" + encodeURIComponent(box.getAttribute("data-profile")), { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (p) {
          if (!p) return;
          whatIfBands = {};
          p.bands.forEach(function (b) { whatIfBands[b.id] = b.name; });
        });
    bands.then(function () {
      return fetch("/api/v1/score", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: body });
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (out) {
      if (seq !== whatIfSeq) return; // a later change is on its way
      if (out.ok) {
        whatIfShow(box, out.data);
        var q = new URLSearchParams(new FormData(form)).toString();
        history.replaceState(null, "", form.getAttribute("action") + "?" + q);
      } else {
        box.classList.add("stale");
        document.getElementById("wi-status").textContent = box.getAttribute("data-incomplete") || "";
      }
    }).catch(function () {
      if (seq === whatIfSeq) box.classList.add("stale");
    });
  }
  function whatIf(ev) {
    var form = ev.target && ev.target.closest && ev.target.closest("#wi-form");
    var box = document.getElementById("wi-figures");
    if (!form || !box || box.classList.contains("not-ready")) return;
    whatIfUpdate(form, box);
  }
  document.addEventListener("change", function (ev) {
    exclusiveBoxes(ev);
    applyShowIf();
    whatIf(ev);
  });
  // A "Copy" button copies its field's text, where the browser allows it;
  // without it (or without this script) the field stays there to select.
  function copyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button[data-copy]").forEach(function (btn) {
      var field = document.getElementById(btn.getAttribute("data-copy"));
      var done = btn.parentNode.querySelector(".copy-done");
      if (!field) return;
      btn.hidden = false;
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (done) done.textContent = btn.getAttribute("data-copied") || "";
        }, function () {
          field.select();
          if (done) done.textContent = btn.getAttribute("data-copy-failed") || "";
        });
      });
    });
  }
  // A roster import can take a few seconds: say what is happening, count
  // the people in the chosen file, and ignore a second click meanwhile.
  function importForms() {
    document.querySelectorAll("form[data-import]").forEach(function (form) {
      var status = form.querySelector(".import-status");
      var file = form.querySelector('input[type="file"]');
      var people = 0;
      if (file && window.FileReader) {
        file.addEventListener("change", function () {
          people = 0;
          if (!file.files || !file.files[0]) return;
          var reader = new FileReader();
          reader.onload = function () {
            people = Math.max(0, String(reader.result).split(/\r\n|\n|\r/).filter(function (l) {
              return l.replace(/[,\s]/g, "") !== "";
            }).length - 1);
          };
          reader.readAsText(file.files[0]);
        });
      }
      var sent = false;
      form.addEventListener("submit", function (ev) {
        if (sent) { ev.preventDefault(); return; }
        sent = true;
        form.setAttribute("aria-busy", "true");
        var checking = ev.submitter && ev.submitter.value === "1";
        // The words come from the page, in its language: "{n}" is the count.
        var key = (checking ? "data-checking" : "data-importing") + (people === 1 ? "-one" : people > 0 ? "-some" : "-file");
        if (status) status.textContent = (form.getAttribute(key) || "").replace("{n}", people.toLocaleString(document.documentElement.lang));
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    importForms();
    copyButtons();
    applyShowIf();
    scrollableTables();
    offerDeviceZone();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
