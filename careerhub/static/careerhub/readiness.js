/* The readiness page, enhanced: type-ahead over the skill list, the learner's skills and module progress
   kept in this browser (localStorage), export and import of both as a JSON file. The page works without it:
   every enhancement below starts from the server-rendered form and answer, and nothing here sends the
   pasted text anywhere but the form's own POST. */
(function () {
  "use strict";

  var SKILLS_KEY = "careerhub.readiness.skills";
  var PROGRESS_KEY = "careerhub.readiness.progress";
  var FORMAT = "careerhub-readiness-progress";
  var STATES = { "": "Not started", "in-progress": "In progress", done: "Done", skipped: "Skipped" };
  var SLUG = /^[-a-zA-Z0-9_]{1,255}$/;
  var MODULE_REF = /^[-a-zA-Z0-9_]{1,80}\/[-a-zA-Z0-9_]{1,80}$/;
  var MAX_SKILLS = 300;
  var MAX_MODULES = 200;

  function read(key, fallback) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback; // storage off (private mode) or a value this page did not write
    }
  }

  function write(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  }

  function cleanSkills(values) {
    if (!Array.isArray(values)) return [];
    var seen = {};
    return values.filter(function (value) {
      var keep = typeof value === "string" && SLUG.test(value) && !seen[value];
      seen[value] = true;
      return keep;
    }).slice(0, MAX_SKILLS);
  }

  function cleanProgress(value) {
    var clean = {};
    if (!value || typeof value !== "object" || Array.isArray(value)) return clean;
    Object.keys(value).slice(0, 1000).forEach(function (ref) {
      if (MODULE_REF.test(ref) && Object.prototype.hasOwnProperty.call(STATES, value[ref]) && value[ref]) {
        clean[ref] = value[ref];
      }
    });
    return clean;
  }

  function listParam(params, name) {
    return (params.get(name) || "").split(",").map(function (part) { return part.trim(); })
      .filter(function (part) { return part; });
  }

  function doneRefs(progress) {
    return Object.keys(progress).filter(function (ref) { return progress[ref] === "done"; })
      .sort().slice(0, MAX_MODULES);
  }

  function answerUrl(base, skills, segment, done) {
    var parts = [];
    if (skills.length) parts.push("skills=" + skills.map(encodeURIComponent).join(","));
    if (segment) parts.push("segment=" + encodeURIComponent(segment));
    if (done.length) parts.push("done=" + done.map(function (ref) {
      return ref.split("/").map(encodeURIComponent).join("/");
    }).join(","));
    return base + (parts.length ? "?" + parts.join("&") : "");
  }

  function sameSet(a, b) {
    if (a.length !== b.length) return false;
    var sorted = b.slice().sort();
    return a.slice().sort().every(function (value, index) { return value === sorted[index]; });
  }

  function notice(container, before, text, linkText, href) {
    var box = document.createElement("div");
    box.className = "notice";
    box.setAttribute("role", "status");
    var paragraph = document.createElement("p");
    paragraph.appendChild(document.createTextNode(text + " "));
    var link = document.createElement("a");
    link.href = href;
    link.textContent = linkText;
    paragraph.appendChild(link);
    box.appendChild(paragraph);
    container.insertBefore(box, before);
    return box;
  }

  /* Type-ahead: filter the ticked-box list as the learner types; Enter ticks the first skill listed. */
  function setUpFilter(form) {
    var filter = form.querySelector("[data-skill-filter]");
    if (!filter) return;
    var input = filter.querySelector("input");
    var status = filter.querySelector("[role=status]");
    var groups = Array.prototype.slice.call(form.querySelectorAll(".skill-group"));
    var wasOpen = groups.map(function (group) { return group.open; });
    filter.hidden = false;

    function visibleBoxes() {
      return Array.prototype.slice.call(form.querySelectorAll(".skill-options li:not([hidden]) input"));
    }

    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      groups.forEach(function (group, index) {
        var matches = 0;
        Array.prototype.forEach.call(group.querySelectorAll(".skill-options li"), function (item) {
          var box = item.querySelector("input");
          var label = item.querySelector("label").textContent.toLowerCase();
          var match = !query || label.indexOf(query) !== -1 || box.value.indexOf(query) !== -1;
          item.hidden = !match;
          matches += match ? 1 : 0;
        });
        group.hidden = matches === 0;
        group.open = query ? matches > 0 : wasOpen[index];
        shown += matches;
      });
      status.textContent = query ? shown + (shown === 1 ? " skill matches." : " skills match.") : "";
    });

    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault(); // Enter in the filter must not submit the form
      var first = visibleBoxes()[0];
      if (!first || !input.value.trim()) return;
      first.checked = true;
      var label = form.querySelector("label[for='" + first.id + "']").textContent;
      status.textContent = "Ticked " + label + ".";
      wasOpen[groups.indexOf(first.closest(".skill-group"))] = true;
    });
  }

  /* Ticks alone need no POST: go straight to the shareable address. A pasted text is posted as the form is. */
  function setUpSubmit(form) {
    form.addEventListener("submit", function (event) {
      var text = form.querySelector("textarea[name=text]");
      if (text && text.value.trim()) return;
      event.preventDefault();
      var skills = Array.prototype.map.call(form.querySelectorAll("input[name=skills]:checked"), function (box) {
        return box.value;
      });
      var segment = form.querySelector("select[name=segment]").value;
      var done = listParam(new URLSearchParams("done=" + form.querySelector("[data-done-field]").value), "done");
      window.location.assign(answerUrl(form.getAttribute("action"), skills, segment, done));
    });
  }

  /* Progress marks on the plan's modules, kept in this browser; modules done count as known skills. */
  function setUpProgress(form, params) {
    var progress = cleanProgress(read(PROGRESS_KEY, {}));
    var urlDone = listParam(params, "done").filter(function (ref) { return MODULE_REF.test(ref); });
    urlDone.forEach(function (ref) {
      if (!progress[ref]) progress[ref] = "done"; // a bookmarked or shared answer's marks, adopted
    });
    write(PROGRESS_KEY, progress);
    var field = form.querySelector("[data-done-field]");
    var update = null;

    function refresh() {
      var done = doneRefs(progress);
      field.value = done.join(",");
      var answer = document.querySelector(".answer");
      if (!answer || (!params.get("skills") && !urlDone.length)) return;
      var changed = !sameSet(done, urlDone);
      if (changed && !update) {
        update = notice(answer.parentNode, answer, "Your progress changed since this answer was computed.",
          "Update the answer", "#");
      }
      if (update) {
        update.hidden = !changed;
        update.querySelector("a").href = answerUrl(form.getAttribute("action"), listParam(params, "skills"),
          params.get("segment") || "", done);
      }
    }

    var modules = document.querySelectorAll(".plan-module[data-module]");
    Array.prototype.forEach.call(modules, function (item, index) {
      var ref = item.getAttribute("data-module");
      var wrapper = document.createElement("div");
      wrapper.className = "progress-mark";
      var label = document.createElement("label");
      label.htmlFor = "progress-" + index;
      label.textContent = "Progress on " + item.getAttribute("data-title");
      var select = document.createElement("select");
      select.id = "progress-" + index;
      select.setAttribute("data-progress-for", ref);
      Object.keys(STATES).forEach(function (state) {
        var option = document.createElement("option");
        option.value = state;
        option.textContent = STATES[state];
        select.appendChild(option);
      });
      select.value = progress[ref] || "";
      item.classList.toggle("is-done", select.value === "done");
      select.addEventListener("change", function () {
        if (select.value) progress[ref] = select.value; else delete progress[ref];
        write(PROGRESS_KEY, progress);
        item.classList.toggle("is-done", select.value === "done");
        refresh();
      });
      wrapper.appendChild(label);
      wrapper.appendChild(select);
      item.appendChild(wrapper);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-progress-help]"), function (help) {
      help.hidden = false;
    });
    refresh();
    return progress;
  }

  /* The learner's skills: saved from every answer's address; offered back on a bare visit. */
  function setUpSkills(form, params) {
    if (params.has("skills")) {
      write(SKILLS_KEY, cleanSkills(listParam(params, "skills")));
      return;
    }
    var saved = cleanSkills(read(SKILLS_KEY, []));
    if (!saved.length || document.querySelector(".answer") || params.toString()) return;
    var section = form.closest("section");
    notice(section.parentNode, section, "This browser remembers " + saved.length + " skill" +
      (saved.length === 1 ? "" : "s") + " of yours.", "Show my answer",
      answerUrl(form.getAttribute("action"), saved, "", doneRefs(cleanProgress(read(PROGRESS_KEY, {})))));
  }

  /* Export and import of the skills and the progress marks, as a JSON file. */
  function setUpTools(form) {
    var tools = document.querySelector("[data-progress-tools]");
    if (!tools) return;
    var status = tools.querySelector("[data-progress-status]");
    tools.hidden = false;
    tools.querySelector("[data-export]").addEventListener("click", function () {
      var data = {
        format: FORMAT,
        version: 1,
        exported_at: new Date().toISOString(),
        skills: cleanSkills(read(SKILLS_KEY, [])),
        progress: cleanProgress(read(PROGRESS_KEY, {}))
      };
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      link.download = "careerhub-progress.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      status.textContent = "Exported " + data.skills.length + " skills and " + Object.keys(data.progress).length +
        " module marks.";
    });
    tools.querySelector("[data-import]").addEventListener("change", function (event) {
      var file = event.target.files[0];
      if (!file) return;
      if (file.size > 1024 * 1024) {
        status.textContent = "That file is too large to be an export of this page (at most 1 MB).";
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        var data;
        try {
          data = JSON.parse(reader.result);
        } catch (error) {
          status.textContent = "That file is not JSON: choose a file exported from this page.";
          return;
        }
        if (!data || data.format !== FORMAT) {
          status.textContent = "That file is not a CareerHub progress export.";
          return;
        }
        var skills = cleanSkills(data.skills);
        var progress = cleanProgress(data.progress);
        write(SKILLS_KEY, skills);
        write(PROGRESS_KEY, progress);
        status.textContent = "Imported " + skills.length + " skills and " + Object.keys(progress).length +
          " module marks. ";
        var link = document.createElement("a");
        link.href = answerUrl(form.getAttribute("action"), skills, "", doneRefs(progress));
        link.textContent = "Show the answer for them";
        status.appendChild(link);
      };
      reader.readAsText(file);
    });
  }

  function start() {
    var form = document.querySelector("[data-readiness-form]");
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    setUpFilter(form);
    setUpSubmit(form);
    setUpProgress(form, params);
    setUpSkills(form, params);
    setUpTools(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
