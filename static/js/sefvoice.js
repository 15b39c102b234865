/* Extras for browsers with JavaScript. Every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce the problem at once.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // An error's link focuses its answer without putting "#answer" in the address: the page
  // sent next would inherit it through the redirect and open scrolled past its question.
  // As in GOV.UK Frontend, the question (legend or label) is scrolled into view too.
  if (summary && summary.closest) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) { return; }
      event.preventDefault();
      var fieldset = input.closest("fieldset");
      var legend = fieldset && fieldset.querySelector("legend");
      var label = input.labels && input.labels[0];
      (legend || label || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  // A job's progress page: without JavaScript it reloads itself (a meta refresh); here it
  // asks for the status every 2 s, shows it, and says what changed in the live region when
  // the step changes, at most every 15 s while only the counts move, and when it ends.
  var job = document.querySelector("[data-job-status]");
  var announce = document.querySelector("[data-job-announce]");
  if (job && announce && window.fetch) {
    var said = "", saidAt = 0, step = "";
    var poll = function () {
      fetch(job.getAttribute("data-job-status"), { credentials: "same-origin" })
        .then(function (reply) { return reply.ok ? reply.json() : Promise.reject(reply.status); })
        .then(function (status) {
          if (status.state === "failed") { window.location.reload(); return; }
          job.innerHTML = status.html;
          var nowStep = status.state + status.say.replace(/[0-9,]+/g, "");
          var now = Date.now();
          if (status.say !== said && (nowStep !== step || now - saidAt > 15000 ||
                                      status.state === "done")) {
            announce.textContent = status.say;
            said = status.say; saidAt = now; step = nowStep;
          }
          if (status.state === "queued" || status.state === "running") {
            window.setTimeout(poll, 2000);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 2000);
  }

  // An exclusive answer ("No one", "None of these") goes on its own: ticking it unticks the
  // others in its question, and ticking another unticks it. (The server refuses the mix too.)
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked || !box.form) { return; }
    var group = box.form.querySelectorAll("input[type=checkbox][name='" + box.name + "']");
    Array.prototype.forEach.call(group, function (other) {
      if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    });
  });

  // "Read this to me": the browser's own speech reads the page's words in order (headings,
  // the question, its hint, each answer and whether it is ticked, the buttons), showing which
  // part it is reading, with a Stop button. Without speech in the browser there is no button.
  var area = document.querySelector("[data-read-aloud]");
  if (!area || !window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
  var speech = window.speechSynthesis;
  var PARTS = "h1, h2, h3, .caption, p, li, dt, dd, label, summary, button, a.button";
  var SKIP = ".read-aloud, .summary-list__actions, [aria-hidden='true']";

  function makeButton(text, className) {
    var made = document.createElement("button");
    made.type = "button";
    made.className = className;
    made.textContent = text;
    return made;
  }

  // The words a part says, without copies hidden from screen readers (a code is read from
  // its letter-by-letter copy). Parts that hold other parts give way to them.
  function parts() {
    var found = area.querySelectorAll(PARTS);
    var spoken = [];
    Array.prototype.forEach.call(found, function (el) {
      if (el.closest(SKIP) || !el.getClientRects().length || el.querySelector(PARTS)) { return; }
      var copy = el.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll("[aria-hidden='true']"), function (hidden) {
        hidden.remove();
      });
      var words = copy.textContent.replace(/\s+/g, " ").trim();
      if (el.control && (el.control.type === "radio" || el.control.type === "checkbox")) {
        words += el.control.checked ? ". Ticked." : ". Not ticked.";
      } else if (el.matches("button, a.button")) {
        words = "Button: " + words + ".";
      }
      if (words) { spoken.push({ el: el, words: words }); }
    });
    return spoken;
  }

  var bar = document.createElement("div");
  bar.className = "read-aloud";
  var read = makeButton("Read this to me", "button button--secondary read-aloud__start");
  var stop = makeButton("Stop reading", "button read-aloud__stop");
  var status = document.createElement("p");
  status.className = "read-aloud__status";
  status.setAttribute("role", "status");
  stop.hidden = true;
  bar.appendChild(read);
  bar.appendChild(stop);
  bar.appendChild(status);
  var reading = 0;  // which reading is under way (0: none), so a stopped one's events are ignored
  var current = null;

  function mark(el) {
    if (current) { current.classList.remove("read-aloud__current"); }
    current = el;
    if (el) { el.classList.add("read-aloud__current"); }
  }

  function finish() {
    var hadFocus = document.activeElement === stop;
    reading = 0;
    mark(null);
    bar.classList.remove("read-aloud--speaking");
    stop.hidden = true;
    read.hidden = false;
    status.textContent = "";
    if (hadFocus) { read.focus(); }
  }

  read.addEventListener("click", function () {
    var list = parts();
    if (!list.length) { return; }
    speech.cancel();
    reading += 1;
    var mine = reading;
    bar.classList.add("read-aloud--speaking");
    read.hidden = true;
    stop.hidden = false;
    stop.focus();
    status.textContent = "Reading this page to you.";
    list.forEach(function (part, index) {
      var utterance = new window.SpeechSynthesisUtterance(part.words);
      utterance.lang = "en-GB";
      utterance.rate = 0.9;
      utterance.onstart = function () { if (reading === mine) { mark(part.el); } };
      if (index === list.length - 1) {
        utterance.onend = function () { if (reading === mine) { finish(); } };
      }
      speech.speak(utterance);
    });
  });
  stop.addEventListener("click", function () {
    reading = 0;
    speech.cancel();
    finish();
  });
  area.insertBefore(bar, area.firstChild);
})();
