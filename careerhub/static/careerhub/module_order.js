/* A track's modules in the admin, enhanced: drag a module's row to its new place. The drop sends the track's
   form with "_move_module=<module id>:<position>", as the Move up / Move down buttons send "<id>:up": the
   form's other changes are saved, the module is moved by the same service, and the page comes back to the
   track. Without JavaScript (or with a keyboard) the buttons do the same, one step at a time. */
(function () {
  "use strict";

  function movableRows(group) {
    // The rows of saved modules: each carries its Move buttons (new, unsaved rows have none).
    return Array.prototype.filter.call(group.querySelectorAll("tbody tr"), function (row) {
      return row.querySelector(".module-move[data-module]") !== null;
    });
  }

  function moduleId(row) {
    return row.querySelector(".module-move[data-module]").getAttribute("data-module");
  }

  function send(form, id, position) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "_move_module";
    input.value = id + ":" + position;
    form.appendChild(input);
    form.submit(); // not requestSubmit(): no Save button's name goes with it, so the page comes back here
  }

  function enhance(group) {
    var form = group.closest("form");
    var rows = movableRows(group);
    if (!form || rows.length < 2) {
      return;
    }
    var hint = document.createElement("p");
    hint.className = "help module-order-hint";
    hint.textContent = "Drag a module’s row to move it, or use its Move up and Move down buttons.";
    var heading = group.querySelector("h2");
    if (heading && heading.parentNode) {
      heading.parentNode.insertBefore(hint, heading.nextSibling);
    }
    var dragged = null;
    rows.forEach(function (row) {
      row.draggable = true;
      row.style.cursor = "move";
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.style.opacity = "0.5";
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", moduleId(row));
      });
      row.addEventListener("dragend", function () {
        row.style.opacity = "";
        dragged = null;
      });
      row.addEventListener("dragover", function (event) {
        if (dragged !== null && dragged !== row) {
          event.preventDefault();
          event.dataTransfer.dropEffect = "move";
        }
      });
      row.addEventListener("drop", function (event) {
        if (dragged === null || dragged === row) {
          return;
        }
        event.preventDefault();
        var order = movableRows(group);
        var from = order.indexOf(dragged);
        var to = order.indexOf(row);
        // The dragged row takes the place of the row it is dropped on; those between close up.
        row.parentNode.insertBefore(dragged, from < to ? row.nextSibling : row);
        send(form, moduleId(dragged), to + 1);
      });
    });
  }

  function labelSkillSearches(group) {
    // The autocomplete's search box (drawn again by Select2 at every change) is named after its select.
    Array.prototype.forEach.call(group.querySelectorAll("select[aria-label]"), function (select) {
      var container = select.nextElementSibling;
      var search = container ? container.querySelector(".select2-search__field:not([aria-label])") : null;
      if (search) {
        search.setAttribute("aria-label", select.getAttribute("aria-label"));
      }
    });
  }

  function start() {
    var group = document.getElementById("modules-group");
    if (group) {
      enhance(group);
      labelSkillSearches(group);
      if (window.MutationObserver) {
        new MutationObserver(function () {
          labelSkillSearches(group);
        }).observe(group, { childList: true, subtree: true });
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
