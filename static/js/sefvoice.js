/* Extras for browsers with JavaScript. Every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce the problem at once.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // "Read this to me": the browser's own speech, reading the page's main words.
  var area = document.querySelector("[data-read-aloud]");
  if (!area || !("speechSynthesis" in window)) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary read-aloud";
  button.textContent = "Read this to me";
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", function () {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      button.setAttribute("aria-pressed", "false");
      return;
    }
    var parts = [];
    area.querySelectorAll("h1, h2, p, .choice__text").forEach(function (el) {
      if (!el.classList.contains("visually-hidden")) { parts.push(el.textContent.trim()); }
    });
    var utterance = new SpeechSynthesisUtterance(parts.join(". "));
    utterance.lang = "en-GB";
    utterance.rate = 0.9;
    utterance.onend = function () { button.setAttribute("aria-pressed", "false"); };
    button.setAttribute("aria-pressed", "true");
    window.speechSynthesis.speak(utterance);
  });
  area.parentNode.insertBefore(button, area);
})();
