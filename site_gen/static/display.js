/* The large-text, high-contrast mode (大字模式, for the 适老化 guidance): a button on every
 * page, remembered on the device. Loaded in each page's <head> (site_gen/overrides/main.html,
 * templates/lean.html), so the page is drawn in the chosen mode from the start. No library,
 * nothing sent anywhere. */
(function () {
  "use strict";
  var KEY = "sg-display", CLASS = "sg-large", root = document.documentElement;
  function stored() { try { return localStorage.getItem(KEY) === "large"; } catch (e) { return false; } }
  function show(on) {
    root.classList.toggle(CLASS, on);
    var buttons = document.querySelectorAll(".sg-display-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[i].hidden = false;  // without this script the button would do nothing: hidden
    }
  }
  show(stored());
  document.addEventListener("DOMContentLoaded", function () { show(root.classList.contains(CLASS)); });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest(".sg-display-toggle")) return;
    var on = !root.classList.contains(CLASS);
    try { if (on) localStorage.setItem(KEY, "large"); else localStorage.removeItem(KEY); } catch (e) { /* private mode: this page only */ }
    show(on);
  });
})();
