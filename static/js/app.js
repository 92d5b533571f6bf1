// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // A fieldset marked data-shown-for="name=value" shows only while that radio button is chosen.
  document.querySelectorAll("fieldset[data-shown-for]").forEach(function (fieldset) {
    var parts = fieldset.getAttribute("data-shown-for").split("=");
    var radios = fieldset.form ? fieldset.form.querySelectorAll('input[type=radio][name="' + parts[0] + '"]') : [];
    function update() {
      var chosen = Array.prototype.find.call(radios, function (r) { return r.checked; });
      fieldset.hidden = !!chosen && chosen.value !== parts[1];
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});
