// Behaviour of the pages, kept out of the HTML so that the Content-Security-Policy allows no
// inline script. A <select data-autosubmit> sends its form as soon as it changes (the form keeps
// a <noscript> button for browsers without JavaScript).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
