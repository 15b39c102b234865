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
