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
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
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
    button.textContent = "Use this device\u2019s zone (" + zone + ")";
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
  document.addEventListener("change", function (ev) {
    exclusiveBoxes(ev);
    applyShowIf();
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
          if (done) done.textContent = "Copied.";
        }, function () {
          field.select();
          if (done) done.textContent = "Select the link and copy it.";
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    copyButtons();
    applyShowIf();
    scrollableTables();
    offerDeviceZone();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
