/* Live duplicate check on the admin's "Add claim" form: as the editor types the statement, the
   claims on record that match it (published or not) are listed under the field, with links.
   The form itself checks again when it is sent (claims/admin.py ClaimForm); this only saves a
   round trip. A static file, not an inline script: the strict CSP allows no inline code. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  // Loaded in the page's head (the admin's form media): the form exists once the document has.
  var box = document.getElementById("similar-claims-live");
  var field = document.getElementById("id_text");
  if (!box || !field) {
    return;
  }
  var list = box.querySelector(".similar-claims__list");
  var row = field.closest(".form-row");
  if (row) {
    row.after(box);
  }
  var timer = null;
  var asked = "";
  var MIN_LENGTH = 12;

  function render(results) {
    list.replaceChildren();
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = result.title;
      var facts = document.createElement("span");
      facts.className = "similar-claims__facts";
      facts.textContent = " — " + result.status + ", " + result.score + "%";
      item.append(link, facts);
      list.append(item);
    });
    box.hidden = results.length === 0;
  }

  function check() {
    var text = field.value.trim();
    if (text === asked) {
      return;
    }
    asked = text;
    if (text.length < MIN_LENGTH) {
      render([]);
      return;
    }
    fetch(box.dataset.url + "?text=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (asked === text) {
          render(data.results || []);
        }
      })
      .catch(function () {
        /* The form checks again on save: a failed suggestion is not an error. */
      });
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 500);
  });
  if (!document.getElementById("similar-claims")) {
    check();
  }
});
